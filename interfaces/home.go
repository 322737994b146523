package interfaces

import (
	"errors"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// home grants the user's non-hidden files. snapd auto-connects it on
// classic systems only; Snappy runs on classic distributions, so here it
// always does.
//
// AppArmor can say "not dotfiles, not ~/snap" ([^.] and the chain below
// spell out every name that is not "snap"). Landlock cannot exclude
// anything beneath a granted directory, so on Landlock-only kernels the
// grant is all of $HOME, dotfiles and other snaps' ~/snap data included.
// That gap is documented, not hidden: it is the price of a kernel
// without AppArmor.
type homeIface struct{ fixed }

var home = &homeIface{fixed{
	name: "home", auto: true, implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"owner @{HOME}/ r,",
			"owner @{HOME}/[^s.]** rwkl,",
			"owner @{HOME}/s[^n]** rwkl,",
			"owner @{HOME}/sn[^a]** rwkl,",
			"owner @{HOME}/sna[^p]** rwkl,",
			"owner @{HOME}/snap[^/]** rwkl,",
			"owner @{HOME}/{s,sn,sna}{,/} rwkl,",
		},
		Landlock: landlock.Rules{ReadWrite: []string{profile.HomeVar}},
		Mounts:   []profile.Entry{bindHost(profile.HomeVar, true)},
	},
}}

// SanitizePlug accepts snapd's one attribute, read: all (root's home
// too), only to refuse anything else: Snappy does not grant /root yet.
func (h *homeIface) SanitizePlug(p *snap.PlugInfo) error {
	if v, ok := p.Attrs["read"]; ok && v != "all" {
		return errors.New(`home: attribute "read" must be "all"`)
	}
	return nil
}
