package state

// Status is the status of a task or, derived from its tasks, of a change.
// The values are the words snapd's REST API shows.
type Status string

// Task statuses. Do, Doing and Done are the way forward; Abort, Undo,
// Undoing and Undone the way back; Hold marks tasks that will not run
// because of an error or abort elsewhere; Error a task that failed.
const (
	DefaultStatus Status = ""
	DoStatus      Status = "Do"
	DoingStatus   Status = "Doing"
	DoneStatus    Status = "Done"
	AbortStatus   Status = "Abort"
	UndoStatus    Status = "Undo"
	UndoingStatus Status = "Undoing"
	UndoneStatus  Status = "Undone"
	HoldStatus    Status = "Hold"
	ErrorStatus   Status = "Error"
)

// Ready reports whether no more work will happen for this status.
func (s Status) Ready() bool {
	switch s {
	case DoneStatus, UndoneStatus, HoldStatus, ErrorStatus:
		return true
	}
	return false
}

// changeStatusPriority is snapd's rule for a change's status: the first of
// these that any task has wins. Work still to happen (Abort, Undoing, Undo,
// Doing, Do) outranks outcomes, so a change is ready exactly when its status
// is; among outcomes an Error anywhere makes the whole change an Error even
// though the rest was undone, which is what users need to see; Undone beats
// Done because a partly undone change did not do what was asked; a change
// whose tasks are all on Hold (or that has no tasks) is Hold.
var changeStatusPriority = [...]Status{
	AbortStatus,
	UndoingStatus,
	UndoStatus,
	DoingStatus,
	DoStatus,
	ErrorStatus,
	UndoneStatus,
	DoneStatus,
	HoldStatus,
}

func deriveChangeStatus(tasks []Status) Status {
	var seen [len(changeStatusPriority)]bool
	for _, s := range tasks {
		if s == DefaultStatus {
			s = DoStatus
		}
		for i, p := range changeStatusPriority {
			if p == s {
				seen[i] = true
				break
			}
		}
	}
	for i, p := range changeStatusPriority {
		if seen[i] {
			return p
		}
	}
	return HoldStatus
}
