package daemon

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/snappy-pm/snappy/confine/launch"
	"github.com/snappy-pm/snappy/snap"
)

type systemInfo struct {
	Series          string              `json:"series"`
	Version         string              `json:"version"`
	OSRelease       map[string]string   `json:"os-release"`
	OnClassic       bool                `json:"on-classic"`
	Managed         bool                `json:"managed"`
	KernelVersion   string              `json:"kernel-version"`
	Locations       map[string]string   `json:"locations"`
	Refresh         map[string]string   `json:"refresh"`
	Confinement     string              `json:"confinement"`
	SandboxFeatures map[string][]string `json:"sandbox-features"`
	Architecture    string              `json:"architecture"`
	SystemMode      string              `json:"system-mode"`
}

// confinementLevel is "strict" when the launcher can enforce every file
// layer it needs (Landlock or AppArmor) besides seccomp, as snapd says
// "partial" when AppArmor is missing.
func confinementLevel(feats map[string][]string) string {
	_, ll := feats["landlock"]
	_, aa := feats["apparmor"]
	_, sc := feats["seccomp"]
	if (ll || aa) && sc {
		return "strict"
	}
	return "partial"
}

func (d *Daemon) getSystemInfo(w http.ResponseWriter, r *http.Request) {
	feats := launch.SandboxFeatures()
	var uts unix.Utsname
	unix.Uname(&uts)
	syncResponse(w, systemInfo{
		Series:        "16",
		Version:       Version,
		OSRelease:     osRelease(filepath.Join(d.paths.Root, "etc", "os-release")),
		OnClassic:     true,
		KernelVersion: unix.ByteSliceToString(uts.Release[:]),
		Locations: map[string]string{
			"snap-mount-dir": d.paths.SnapMountDir(),
			"snap-bin-dir":   d.paths.BinDir(),
		},
		Refresh:         map[string]string{},
		Confinement:     confinementLevel(feats),
		SandboxFeatures: feats,
		Architecture:    snap.ArchName(),
		SystemMode:      "run",
	})
}

// osRelease reads ID and VERSION_ID, falling back to the host's file when
// the root has none (tests run under an almost empty root).
func osRelease(path string) map[string]string {
	out := map[string]string{"id": "linux"}
	f, err := os.Open(path)
	if err != nil {
		if f, err = os.Open("/etc/os-release"); err != nil {
			return out
		}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			out["id"] = v
		case "VERSION_ID":
			out["version-id"] = v
		}
	}
	return out
}
