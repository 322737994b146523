package daemon

import (
	"context"
	"net"
	"net/http"

	"golang.org/x/sys/unix"
)

type credKey struct{}

// peer is who is on the other end of a connection, from SO_PEERCRED: the
// kernel's word, which a client cannot forge.
type peer struct {
	uid, pid int
	known    bool
}

// withPeer records the peer credentials of a unix connection in its context.
func withPeer(ctx context.Context, c net.Conn) context.Context {
	p := peer{}
	if uc, ok := c.(*net.UnixConn); ok {
		if raw, err := uc.SyscallConn(); err == nil {
			raw.Control(func(fd uintptr) {
				if cred, err := unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED); err == nil {
					p = peer{uid: int(cred.Uid), pid: int(cred.Pid), known: true}
				}
			})
		}
	}
	return context.WithValue(ctx, credKey{}, p)
}

func peerOf(r *http.Request) peer {
	p, _ := r.Context().Value(credKey{}).(peer)
	return p
}

// allowed says whether r may run: anyone may read, only root may change.
func allowed(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	p := peerOf(r)
	return p.known && p.uid == 0
}
