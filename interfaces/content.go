package interfaces

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// content shares directories of a provider snap (the slot's "read" and
// "write" lists) into a consumer's "target", when both name the same
// "content". It auto-connects to the single provider whose content
// matches; snapd also wants the same publisher, which Snappy cannot check
// until snaps carry signed publishers.
//
// One shared directory is mounted at target itself (the runtime appears
// at $SNAP/runtime); several are mounted at target/BASENAME each.
//
// Sources are the provider's revision directories as paths under the
// "/" root; a daemon with another SNAPPY_GLOBAL_ROOT prefixes them. A
// refresh of the provider must regenerate its consumers' mounts.
type content struct{}

func (*content) Name() string           { return "content" }
func (*content) AutoConnect() bool      { return true }
func (*content) SuperPrivileged() bool  { return false }
func (*content) ImplicitOnSystem() bool { return false }

// snapDirs are the variables a content path may start with.
var snapDirs = []string{"$SNAP", "$SNAP_DATA", "$SNAP_COMMON"}

func checkSnapPath(p string) error {
	v, rest, _ := strings.Cut(p, "/")
	if !slices.Contains(snapDirs, v) {
		return fmt.Errorf("path %q must start with $SNAP, $SNAP_DATA or $SNAP_COMMON", p)
	}
	if rest == "" {
		return nil
	}
	return checkAttrPath("/"+rest, "")
}

func (*content) SanitizePlug(p *snap.PlugInfo) error {
	if _, err := stringAttr(p.Attrs, "content", p.Name); err != nil {
		return fmt.Errorf("content: %w", err)
	}
	target, err := stringAttr(p.Attrs, "target", "")
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	if target == "" {
		return errors.New(`content: plug needs a "target" attribute`)
	}
	if err := checkSnapPath(target); err != nil {
		return fmt.Errorf("content: target: %w", err)
	}
	if _, err := stringAttr(p.Attrs, "default-provider", ""); err != nil {
		return fmt.Errorf("content: %w", err)
	}
	return nil
}

func (*content) SanitizeSlot(s *snap.SlotInfo) error {
	if _, err := stringAttr(s.Attrs, "content", s.Name); err != nil {
		return fmt.Errorf("content: %w", err)
	}
	read, err := stringList(s.Attrs, "read")
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	write, err := stringList(s.Attrs, "write")
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	if len(read)+len(write) == 0 {
		return errors.New(`content: slot needs a "read" or "write" list of paths`)
	}
	for _, p := range append(read, write...) {
		if err := checkSnapPath(p); err != nil {
			return fmt.Errorf("content: %w", err)
		}
	}
	return nil
}

// DefaultProvider names the snap to install for a content plug, "" if
// none. snapd's older "snap:slot" form is accepted.
func DefaultProvider(p *snap.PlugInfo) string {
	v, _ := stringAttr(p.Attrs, "default-provider", "")
	name, _, _ := strings.Cut(v, ":")
	return name
}

func contentTag(attrs map[string]any, def string) string {
	v, _ := stringAttr(attrs, "content", def)
	return v
}

func (*content) CheckConnection(c Connection) error {
	pc, sc := contentTag(c.PlugAttrs, c.Plug.Name), contentTag(c.SlotAttrs, c.Slot.Name)
	if pc != sc {
		return fmt.Errorf("content %q of the plug does not match content %q of the slot", pc, sc)
	}
	return nil
}

func (*content) AutoConnectPair(p *snap.PlugInfo, s *snap.SlotInfo) bool {
	return contentTag(p.Attrs, p.Name) == contentTag(s.Attrs, s.Name)
}

// hostPath expands a $SNAP* path of info to where it is on the host
// (and, for the snap itself, inside its namespace).
func hostPath(info *snap.Info, p string) string {
	v, rest, _ := strings.Cut(p, "/")
	dir := map[string]string{
		"$SNAP":        "/snap/" + info.Name + "/" + info.Revision.String(),
		"$SNAP_DATA":   "/var/snap/" + info.Name + "/" + info.Revision.String(),
		"$SNAP_COMMON": "/var/snap/" + info.Name + "/common",
	}[v]
	return path.Join(dir, rest)
}

// aaPath is hostPath for the snap's own AppArmor profile, with its
// variables, so the rule reads the same in every revision's profile.
func aaPath(p string) string {
	v, rest, _ := strings.Cut(p, "/")
	dir := map[string]string{
		"$SNAP":        "/snap/@{SNAP_NAME}/@{SNAP_REVISION}",
		"$SNAP_DATA":   "/var/snap/@{SNAP_NAME}/@{SNAP_REVISION}",
		"$SNAP_COMMON": "/var/snap/@{SNAP_NAME}/common",
	}[v]
	return path.Join(dir, rest)
}

func (*content) Snippets(c Connection) Snippets {
	var s Snippets
	target, _ := stringAttr(c.PlugAttrs, "target", "")
	read, _ := stringList(c.SlotAttrs, "read")
	write, _ := stringList(c.SlotAttrs, "write")
	if checkSnapPath(target) != nil {
		return s
	}
	single := len(read)+len(write) == 1
	add := func(src string, rw bool) {
		if checkSnapPath(src) != nil {
			return
		}
		dst := target
		if !single {
			dst = path.Join(target, path.Base(hostPath(c.Slot.Snap, src)))
		}
		nsDst := hostPath(c.Plug.Snap, dst)
		mode, perms := profile.OptRO, "mrkix"
		if rw {
			mode, perms = profile.OptRW, "mrwklix"
			s.Landlock.ReadWrite = append(s.Landlock.ReadWrite, nsDst)
		} else {
			s.Landlock.ReadExec = append(s.Landlock.ReadExec, nsDst)
		}
		s.Mounts = append(s.Mounts, profile.Entry{
			Source: hostPath(c.Slot.Snap, src), Target: nsDst, Type: profile.TypeBind,
			Options: []string{profile.OptRBind, mode, "nodev"},
		})
		s.AppArmor = append(s.AppArmor, fmt.Sprintf("%s/{,**} %s,", aaPath(dst), perms))
	}
	for _, p := range read {
		add(p, false)
	}
	for _, p := range write {
		add(p, true)
	}
	return s
}
