package seccomp

import (
	"encoding/binary"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

const (
	auditSeccomp      = 1326 // AUDIT_SECCOMP record type
	auditGroupReadlog = 1    // AUDIT_NLGRP_READLOG multicast group
	retLogCode        = "code=0x7ffc0000"
)

// auditListener collects the kernel's seccomp audit records as they are
// made. Reading them from the audit multicast group rather than dmesg
// matters: without an audit daemon the kernel rate-limits what it prints
// (10 records per 5 s), and concurrent tests easily use that up.
type auditListener struct {
	fd      int
	stopped atomic.Bool
	done    chan struct{}
	mu      sync.Mutex
	records []string
}

func listenAudit() (*auditListener, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_AUDIT)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: auditGroupReadlog}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	tv := unix.NsecToTimeval((50 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, err
	}
	l := &auditListener{fd: fd, done: make(chan struct{})}
	go l.read()
	return l, nil
}

func (l *auditListener) read() {
	defer close(l.done)
	buf := make([]byte, 1<<16)
	for !l.stopped.Load() {
		n, _, err := unix.Recvfrom(l.fd, buf, 0)
		if err != nil {
			continue // timeout: look at stopped again
		}
		// One record per datagram. Its header is not trusted for the
		// length: the kernel's audit messages have been known to
		// disagree with the bytes received.
		if n < unix.NLMSG_HDRLEN || binary.NativeEndian.Uint16(buf[4:]) != auditSeccomp {
			continue
		}
		l.mu.Lock()
		l.records = append(l.records, strings.TrimRight(string(buf[unix.NLMSG_HDRLEN:n]), "\x00"))
		l.mu.Unlock()
	}
}

// stop waits briefly for records still in flight, then returns those of pid.
func (l *auditListener) stop(pid int) []string {
	time.Sleep(200 * time.Millisecond)
	l.stopped.Store(true)
	<-l.done
	unix.Close(l.fd)
	var out []string
	for _, r := range l.records {
		if strings.Contains(r, " pid="+strconv.Itoa(pid)+" ") {
			out = append(out, r)
		}
	}
	return out
}

// loggedSyscalls returns the numbers of the calls that records show as
// logged by SECCOMP_RET_LOG.
func loggedSyscalls(records []string) map[string]bool {
	calls := map[string]bool{}
	for _, r := range records {
		if !strings.Contains(r, retLogCode) {
			continue
		}
		for _, f := range strings.Fields(r) {
			if nr, ok := strings.CutPrefix(f, "syscall="); ok {
				calls[nr] = true
			}
		}
	}
	return calls
}
