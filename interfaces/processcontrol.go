package interfaces

// processControl changes other processes' priority, affinity and I/O
// class, and signals them (as snapd's allows). Manual: it reaches beyond
// the snap. The template's setpriority allows only lowering one's own
// priority; this lifts that to any nice value.
var processControl = &fixed{
	name: "process-control", implicit: true,
	plug: Snippets{
		Seccomp: []string{
			"setpriority",
			"ioprio_set",
			"sched_setaffinity",
			"sched_setscheduler",
		},
		AppArmor: []string{
			"capability sys_nice,",
			"capability sys_resource,",
			"capability kill,",
			"signal (send),",
			"@{PROC}/[0-9]*/{stat,status,cmdline} r,",
		},
	},
}
