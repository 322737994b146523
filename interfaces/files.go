package interfaces

import (
	"fmt"
	"strings"

	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// filesIface is personal-files and system-files: access to paths the plug
// lists in its "read" and "write" attributes. Both are super-privileged,
// as in snapd: the store reviews the list, so a snap cannot name
// ~/.ssh on its own.
type filesIface struct {
	name   string
	prefix string // "$HOME/" for personal-files, "" for system-files
	owner  string // "owner " in AppArmor rules for personal files
}

type personalFiles struct{}
type systemFiles struct{}

var (
	personalFilesImpl = filesIface{name: "personal-files", prefix: profile.HomeVar + "/", owner: "owner "}
	systemFilesImpl   = filesIface{name: "system-files"}
)

func (f filesIface) paths(attrs map[string]any) (read, write []string, err error) {
	if read, err = stringList(attrs, "read"); err != nil {
		return nil, nil, err
	}
	if write, err = stringList(attrs, "write"); err != nil {
		return nil, nil, err
	}
	return read, write, nil
}

func (f filesIface) sanitizePlug(p *snap.PlugInfo) error {
	read, write, err := f.paths(p.Attrs)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	if len(read)+len(write) == 0 {
		return fmt.Errorf(`%s: needs a "read" or "write" list of paths`, f.name)
	}
	for _, p := range append(read, write...) {
		if err := checkAttrPath(p, f.prefix); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

func (f filesIface) snippets(c Connection) Snippets {
	var s Snippets
	read, write, err := f.paths(c.PlugAttrs)
	if err != nil {
		return s // sanitize refused this plug already; grant nothing
	}
	add := func(p string, rw bool) {
		if checkAttrPath(p, f.prefix) != nil {
			return
		}
		aa := strings.Replace(p, profile.HomeVar, "@{HOME}", 1)
		perms := "rk"
		if rw {
			perms = "rwkl"
			s.Landlock.ReadWrite = append(s.Landlock.ReadWrite, p)
		} else {
			s.Landlock.Read = append(s.Landlock.Read, p)
		}
		// The path itself, a directory's listing, and what is beneath.
		s.AppArmor = append(s.AppArmor, fmt.Sprintf("%s\"%s{,/,/**}\" %s,", f.owner, aa, perms))
		s.Mounts = append(s.Mounts, bindHost(p, rw))
	}
	for _, p := range read {
		add(p, false)
	}
	for _, p := range write {
		add(p, true)
	}
	return s
}

func (personalFiles) Name() string                        { return personalFilesImpl.name }
func (personalFiles) AutoConnect() bool                   { return false }
func (personalFiles) SuperPrivileged() bool               { return true }
func (personalFiles) ImplicitOnSystem() bool              { return true }
func (personalFiles) SanitizePlug(p *snap.PlugInfo) error { return personalFilesImpl.sanitizePlug(p) }
func (personalFiles) SanitizeSlot(*snap.SlotInfo) error   { return nil }
func (personalFiles) Snippets(c Connection) Snippets      { return personalFilesImpl.snippets(c) }

func (systemFiles) Name() string                        { return systemFilesImpl.name }
func (systemFiles) AutoConnect() bool                   { return false }
func (systemFiles) SuperPrivileged() bool               { return true }
func (systemFiles) ImplicitOnSystem() bool              { return true }
func (systemFiles) SanitizePlug(p *snap.PlugInfo) error { return systemFilesImpl.sanitizePlug(p) }
func (systemFiles) SanitizeSlot(*snap.SlotInfo) error   { return nil }
func (systemFiles) Snippets(c Connection) Snippets      { return systemFilesImpl.snippets(c) }
