package snapfile

import (
	"errors"
	"fmt"
	"github.com/snappy-pm/snappy/snap"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/snappy-pm/snappy/snap/squashfs"
)

// PackOptions tunes Pack.
type PackOptions struct {
	// Compression is one of xz (the default when empty), gzip, lzo, zstd
	// or lz4. Beware lz4: the kernel mounts such snaps, but the store and
	// ReadInfo cannot look inside them without mounting, so
	// they can't be uploaded or inspected; use it only for local installs.
	Compression string
}

// maxPackProblems keeps the report readable when a whole tree is wrong.
const maxPackProblems = 20

// Pack checks that dir holds a usable snap and writes it to
// outDir/NAME_VERSION_ARCH.snap, returning that path. ARCH is the one
// listed architecture, "all" when none or [all] is listed, and "multi"
// when several are.
//
// Besides validating meta/snap.yaml it checks what would only fail later,
// on the user's machine: every app command and command-chain entry exists
// and is executable, every hook in meta/hooks/ is a known, executable hook,
// and everything is readable by all users (the image is root-owned, and
// apps run as the user).
func Pack(dir, outDir string, opts PackOptions) (string, error) {
	info, err := snap.ReadInfoFromDir(dir)
	if err != nil {
		return "", fmt.Errorf("cannot pack %s: %w", dir, err)
	}
	if problems := checkContainer(dir, info); len(problems) > 0 {
		if len(problems) > maxPackProblems {
			problems = append(problems[:maxPackProblems], fmt.Sprintf("... and %d more", len(problems)-maxPackProblems))
		}
		return "", fmt.Errorf("cannot pack %s: the snap would not work:\n- %s", dir, strings.Join(problems, "\n- "))
	}
	if outDir == "" {
		outDir = "."
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("cannot pack %s: %w", dir, err)
	}
	out := filepath.Join(outDir, PackFileName(info))
	if err := squashfs.Build(dir, out, opts.Compression); err != nil {
		return "", fmt.Errorf("cannot pack %s: %w", dir, err)
	}
	return out, nil
}

// PackFileName is the conventional file name of a packed snap.
func PackFileName(info *snap.Info) string {
	arch := "all"
	switch len(info.Architectures) {
	case 0:
	case 1:
		arch = info.Architectures[0]
	default:
		arch = "multi"
	}
	return info.Name + "_" + info.Version + "_" + arch + ".snap"
}

func checkContainer(dir string, info *snap.Info) []string {
	var problems []string
	need := func(field, command string, executable bool) {
		exe := strings.Fields(command)[0]
		rel, ok := strings.CutPrefix(exe, "$SNAP/")
		if !ok && strings.HasPrefix(exe, "$") {
			return // lives outside the snap ($SNAP_DATA, ...): nothing to check here
		}
		if !ok {
			rel = exe
		}
		if p := checkFile(dir, rel, executable); p != "" {
			problems = append(problems, field+": "+p)
		}
	}
	for _, name := range info.AppNames() {
		app := info.Apps[name]
		f := "apps." + name
		need(f+".command", app.Command, true)
		for _, c := range []struct{ field, cmd string }{
			{"stop-command", app.StopCommand}, {"reload-command", app.ReloadCommand},
			{"post-stop-command", app.PostStopCommand},
		} {
			if c.cmd != "" {
				need(f+"."+c.field, c.cmd, true)
			}
		}
		for _, c := range app.CommandChain {
			need(f+".command-chain", c, true)
		}
		if app.Completer != "" {
			need(f+".completer", app.Completer, false)
		}
	}
	for _, name := range info.HookNames() {
		hook := info.Hooks[name]
		for _, c := range hook.CommandChain {
			need("hooks."+name+".command-chain", c, true)
		}
		if p := checkFile(dir, snap.HooksDir+"/"+name, true); p != "" {
			problems = append(problems, "hooks."+name+": "+p)
		}
	}
	hooks, err := snap.ListHooksInDir(dir)
	if err != nil {
		problems = append(problems, err.Error())
	}
	for _, h := range hooks {
		if err := snap.ValidateHookName(h); err != nil {
			problems = append(problems, fmt.Sprintf("%s/%s: not a hook snapd or Snappy would ever run (rename or remove it)", snap.HooksDir, h))
		}
	}
	return append(problems, checkPermissions(dir)...)
}

// checkFile reports what is wrong with rel inside dir, or "". A symlink is
// accepted as is: it may point into the base, which only exists at run time.
func checkFile(dir, rel string, executable bool) string {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	st, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s does not exist in the snap", rel)
	case err != nil:
		return err.Error()
	case st.Mode()&fs.ModeSymlink != 0:
		return ""
	case !st.Mode().IsRegular():
		return fmt.Sprintf("%s is not a regular file", rel)
	case executable && st.Mode().Perm()&0o111 != 0o111:
		return fmt.Sprintf("%s is not executable by all users (chmod a+x %s)", rel, p)
	}
	return ""
}

// checkPermissions finds files that users could not read once packed.
func checkPermissions(dir string) []string {
	var problems []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if len(problems) > maxPackProblems {
			return filepath.SkipAll
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		mode := st.Mode().Perm()
		switch {
		case d.IsDir() && mode&0o005 != 0o005:
			problems = append(problems, fmt.Sprintf("directory %s is not readable and searchable by all users (chmod a+rx %s)", rel, p))
		case !d.IsDir() && mode&0o004 == 0:
			problems = append(problems, fmt.Sprintf("%s is not readable by all users (chmod a+r %s)", rel, p))
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}
