package seccomp

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

const (
	insnSize = 8    // sizeof(struct sock_filter)
	maxInsns = 4096 // BPF_MAXINSNS: the kernel refuses longer programs

	bpfRetK  = unix.BPF_RET | unix.BPF_K
	bpfJa    = unix.BPF_JMP | unix.BPF_JA
	retAllow = unix.SECCOMP_RET_ALLOW
)

func decode(prog []byte) ([]unix.SockFilter, error) {
	if len(prog)%insnSize != 0 {
		return nil, fmt.Errorf("BPF program of %d bytes is not a whole number of instructions", len(prog))
	}
	insns := make([]unix.SockFilter, len(prog)/insnSize)
	for i := range insns {
		b := prog[i*insnSize:]
		insns[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(b),
			Jt:   b[2],
			Jf:   b[3],
			K:    binary.NativeEndian.Uint32(b[4:]),
		}
	}
	return insns, nil
}

func encode(insns []unix.SockFilter) []byte {
	out := make([]byte, len(insns)*insnSize)
	for i, in := range insns {
		b := out[i*insnSize:]
		binary.NativeEndian.PutUint16(b, in.Code)
		b[2], b[3] = in.Jt, in.Jf
		binary.NativeEndian.PutUint32(b[4:], in.K)
	}
	return out
}

// chain joins two seccomp programs into one that returns first's verdict
// unless first allows the call, in which case second decides. Every
// "return ALLOW" of first becomes a jump to second's first instruction; the
// jump keeps the instruction count, so first's own relative jumps still land
// where they did.
//
// This is how denials win over allow rules: libseccomp merges rules of one
// system call with different actions into one decision tree and may let an
// unconditional allow swallow a conditional denial, so denials are compiled
// into a program of their own that runs first.
func chain(first, second []byte) ([]byte, error) {
	a, err := decode(first)
	if err != nil {
		return nil, err
	}
	b, err := decode(second)
	if err != nil {
		return nil, err
	}
	if len(a)+len(b) > maxInsns {
		return nil, fmt.Errorf("seccomp program of %d instructions is longer than the kernel's limit of %d", len(a)+len(b), maxInsns)
	}
	for i, in := range a {
		if in.Code&0x07 != unix.BPF_RET { // BPF_CLASS
			continue
		}
		if in.Code != bpfRetK {
			// A verdict computed at run time might be ALLOW and could
			// not be redirected.
			return nil, fmt.Errorf("instruction %d returns a computed verdict (opcode %#x)", i, in.Code)
		}
		if in.K&unix.SECCOMP_RET_ACTION_FULL == retAllow {
			a[i] = unix.SockFilter{Code: bpfJa, K: uint32(len(a) - i - 1)}
		}
	}
	return encode(append(a, b...)), nil
}

// prepend puts instructions whose jumps all stay within themselves or land
// just past their end before prog.
func prepend(head []unix.SockFilter, prog []byte) ([]byte, error) {
	insns, err := decode(prog)
	if err != nil {
		return nil, err
	}
	if len(head)+len(insns) > maxInsns {
		return nil, fmt.Errorf("seccomp program of %d instructions is longer than the kernel's limit of %d", len(head)+len(insns), maxInsns)
	}
	return encode(append(append([]unix.SockFilter(nil), head...), insns...)), nil
}

// auditArch is the native architecture as seccomp_data.arch reports it.
var auditArch = map[string]uint32{
	"amd64":    unix.AUDIT_ARCH_X86_64,
	"arm64":    unix.AUDIT_ARCH_AARCH64,
	"386":      unix.AUDIT_ARCH_I386,
	"arm":      unix.AUDIT_ARCH_ARM,
	"riscv64":  unix.AUDIT_ARCH_RISCV64,
	"ppc64le":  unix.AUDIT_ARCH_PPC64LE,
	"ppc64":    unix.AUDIT_ARCH_PPC64,
	"s390x":    unix.AUDIT_ARCH_S390X,
	"loong64":  unix.AUDIT_ARCH_LOONGARCH64,
	"mips64le": unix.AUDIT_ARCH_MIPSEL64,
	"mips64":   unix.AUDIT_ARCH_MIPS64,
}

// x32Bit marks x32 system call numbers on amd64; they stay with the
// foreign-ABI handling that follows the prologue.
const x32Bit = 0x40000000

// enosysPrologue makes native system calls numbered above newest fail with
// ENOSYS, as on a kernel that predates them. The policy cannot name them
// (libseccomp does not know them), so without this they would get EPERM,
// and C libraries fall back to an older call only on ENOSYS: glibc's
// faccessat2 and fchmodat2 are the classic cases.
func enosysPrologue(arch, newest uint32) []unix.SockFilter {
	const (
		ldAbs = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jgt   = unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K
	)
	// Every jump that does not end in the return goes to the instruction
	// after the prologue.
	return []unix.SockFilter{
		{Code: ldAbs, K: 4}, // seccomp_data.arch
		{Code: jeq, Jt: 0, Jf: 4, K: arch},
		{Code: ldAbs, K: 0}, // seccomp_data.nr
		{Code: jge, Jt: 2, Jf: 0, K: x32Bit},
		{Code: jgt, Jt: 0, Jf: 1, K: newest},
		{Code: bpfRetK, K: unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
	}
}
