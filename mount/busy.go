package mount

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procDir is a variable so tests can fake the process table.
var procDir = "/proc"

// holders names up to max processes that have their root, working
// directory, executable, an open file or a mapping under dir: the usual
// reasons the kernel refuses to unmount. It is best effort; processes that
// vanish or hide from us are skipped.
func holders(dir string, max int) []string {
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return nil
	}
	var found []string
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		if !usesPath(filepath.Join(procDir, ent.Name()), dir) {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(procDir, ent.Name(), "comm"))
		found = append(found, fmt.Sprintf("pid %d (%s)", pid, strings.TrimSpace(string(comm))))
		if len(found) == max {
			break
		}
	}
	return found
}

func usesPath(proc, dir string) bool {
	for _, link := range []string{"root", "cwd", "exe"} {
		if p, err := os.Readlink(filepath.Join(proc, link)); err == nil && under(p, dir) {
			return true
		}
	}
	fds, _ := os.ReadDir(filepath.Join(proc, "fd"))
	for _, fd := range fds {
		if p, err := os.Readlink(filepath.Join(proc, "fd", fd.Name())); err == nil && under(p, dir) {
			return true
		}
	}
	return mapsUnder(filepath.Join(proc, "maps"), dir)
}

// mapsUnder catches programs run from the mount whose executable link was
// replaced (exec of an interpreter) but whose libraries still map from it.
func mapsUnder(maps, dir string) bool {
	f, err := os.Open(maps)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// address perms offset dev inode pathname
		fields := strings.Fields(sc.Text())
		if len(fields) >= 6 && under(fields[5], dir) {
			return true
		}
	}
	return false
}

func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}
