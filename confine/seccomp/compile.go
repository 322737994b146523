package seccomp

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Compile returns p's BPF program for the native architecture: an array of
// struct sock_filter in native byte order, ready for load.Apply.
func Compile(p Profile) ([]byte, error) {
	rules, err := p.rules()
	if err != nil {
		return nil, err
	}
	prog, err := compileRules(rules, p.Mode)
	if err != nil {
		return nil, fmt.Errorf("seccomp profile %s: %w", p.Tag, err)
	}
	return prog, nil
}

// compileRules lays the program out in three parts: calls too new to name
// get ENOSYS, then the denials decide, then the allow rules (see chain).
func compileRules(rules []rule, mode Mode) ([]byte, error) {
	var allows, denies []rule
	for _, r := range rules {
		if r.deny {
			denies = append(denies, r)
		} else {
			allows = append(allows, r)
		}
	}
	prog, err := build(allows, refusal(mode), mode)
	if err != nil {
		return nil, err
	}
	if len(denies) > 0 {
		denyProg, err := build(denies, libseccomp.ActAllow, mode)
		if err != nil {
			return nil, err
		}
		if prog, err = chain(denyProg, prog); err != nil {
			return nil, err
		}
	}
	arch, ok := auditArch[runtime.GOARCH]
	if newest := newestSyscall(); ok && newest > 0 {
		return prepend(enosysPrologue(arch, newest), prog)
	}
	return prog, nil
}

// newestSyscall is the highest native system call number libseccomp can
// name.
var newestSyscall = sync.OnceValue(func() uint32 {
	var newest uint32
	for nr := 0; nr < 4096; nr++ {
		if _, err := libseccomp.ScmpSyscall(nr).GetName(); err == nil {
			newest = uint32(nr)
		}
	}
	return newest
})

// refusal is what happens to a call the policy does not allow.
func refusal(mode Mode) libseccomp.ScmpAction {
	if mode == Complain {
		return libseccomp.ActLog
	}
	return libseccomp.ActErrno.SetReturnCode(int16(unix.EPERM))
}

func (r rule) action(mode Mode) libseccomp.ScmpAction {
	switch {
	case !r.deny:
		return libseccomp.ActAllow
	case r.errno != 0:
		return libseccomp.ActErrno.SetReturnCode(int16(r.errno))
	}
	return refusal(mode)
}

func build(rules []rule, def libseccomp.ScmpAction, mode Mode) ([]byte, error) {
	f, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, fmt.Errorf("cannot create seccomp filter: %w", err)
	}
	defer f.Release()
	if err := setBadArch(f, mode); err != nil {
		return nil, err
	}
	// A binary tree instead of a linear list of ~300 system calls: calls
	// with argument checks reach them sooner, and the kernel, which runs
	// the program for every call number when it is installed (to cache
	// the always-allowed ones), installs it three times faster. libseccomp
	// before 2.5 cannot; the list is still correct.
	_ = f.SetOptimize(2)
	for _, r := range rules {
		nr, err := libseccomp.GetSyscallFromName(r.syscall)
		if err != nil {
			if r.optional {
				continue
			}
			return nil, r.errorf("unknown system call %q", r.syscall)
		}
		if err := addRule(f, nr, r.action(mode), r.args); err != nil {
			return nil, r.errorf("%v", err)
		}
	}
	return export(f)
}

// setBadArch refuses system calls made through another ABI of the same CPU
// (i386 or x32 on amd64), which the rules, written for native numbers, do
// not describe.
func setBadArch(f *libseccomp.ScmpFilter, mode Mode) error {
	if mode == Complain {
		return f.SetBadArchAction(libseccomp.ActLog)
	}
	if err := f.SetBadArchAction(libseccomp.ActKillProcess); err == nil {
		return nil
	}
	// Kernels before 4.14 can only kill the thread.
	return f.SetBadArchAction(libseccomp.ActKillThread)
}

func addRule(f *libseccomp.ScmpFilter, nr libseccomp.ScmpSyscall, act libseccomp.ScmpAction, args []argCheck) error {
	if len(args) == 0 {
		return f.AddRule(nr, act)
	}
	conds := make([]libseccomp.ScmpCondition, 0, len(args))
	for _, a := range args {
		if cloneFlagsSecond && a.index < 2 {
			if name, _ := nr.GetName(); name == "clone" {
				a.index = 1 - a.index
			}
		}
		var c libseccomp.ScmpCondition
		var err error
		if a.op == opMaskedEqual {
			c, err = libseccomp.MakeCondition(uint(a.index), libseccomp.CompareMaskedEqual, a.mask, a.value)
		} else {
			c, err = libseccomp.MakeCondition(uint(a.index), compareOps[a.op], a.value)
		}
		if err != nil {
			return err
		}
		conds = append(conds, c)
	}
	return f.AddRuleConditional(nr, act, conds)
}

// cloneFlagsSecond: s390 passes clone's stack first and its flags second;
// policies are written in the order of every other architecture.
var cloneFlagsSecond = runtime.GOARCH == "s390x"

var compareOps = map[compareOp]libseccomp.ScmpCompareOp{
	opEqual:          libseccomp.CompareEqual,
	opNotEqual:       libseccomp.CompareNotEqual,
	opLess:           libseccomp.CompareLess,
	opLessOrEqual:    libseccomp.CompareLessOrEqual,
	opGreater:        libseccomp.CompareGreater,
	opGreaterOrEqual: libseccomp.CompareGreaterEqual,
}

// export writes the program through a memfd when the library predates
// seccomp_export_bpf_mem (libseccomp 2.6; Debian 12 has 2.5).
func export(f *libseccomp.ScmpFilter) ([]byte, error) {
	if prog, err := f.ExportBPFMem(); err == nil {
		return prog, nil
	}
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("cannot export seccomp program: %w", err)
	}
	file := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer file.Close()
	if err := f.ExportBPF(file); err != nil {
		return nil, fmt.Errorf("cannot export seccomp program: %w", err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(file)
}
