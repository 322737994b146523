package seccomp

import (
	"encoding/binary"
	"fmt"
	"testing"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// call is the seccomp_data the kernel hands a filter.
type call struct {
	nr   int32
	arch uint32
	args [6]uint64
}

func (c call) bytes() []byte {
	b := make([]byte, 64)
	binary.NativeEndian.PutUint32(b[0:], uint32(c.nr))
	binary.NativeEndian.PutUint32(b[4:], c.arch)
	for i, a := range c.args {
		binary.NativeEndian.PutUint64(b[16+8*i:], a)
	}
	return b
}

// run interprets a classic BPF seccomp program the way the kernel would,
// so the tests can ask about any call, including ones too dangerous to make.
func run(prog []byte, c call) (uint32, error) {
	insns, err := decode(prog)
	if err != nil {
		return 0, err
	}
	data := c.bytes()
	var a, x uint32
	var mem [16]uint32
	for pc := 0; pc < len(insns); pc++ {
		in := insns[pc]
		switch in.Code {
		case 0x20: // ld [k]
			if in.K%4 != 0 || int(in.K)+4 > len(data) {
				return 0, fmt.Errorf("pc %d: bad load offset %d", pc, in.K)
			}
			a = binary.NativeEndian.Uint32(data[in.K:])
		case 0x00: // ld #k
			a = in.K
		case 0x01: // ldx #k
			x = in.K
		case 0x60: // ld M[k]
			a = mem[in.K]
		case 0x61: // ldx M[k]
			x = mem[in.K]
		case 0x02: // st M[k]
			mem[in.K] = a
		case 0x03: // stx M[k]
			mem[in.K] = x
		case 0x54: // and #k
			a &= in.K
		case 0x44: // or #k
			a |= in.K
		case 0x07: // tax
			x = a
		case 0x87: // txa
			a = x
		case 0x05: // ja
			pc += int(in.K)
		case 0x15, 0x25, 0x35, 0x45: // jeq, jgt, jge, jset #k
			var ok bool
			switch in.Code {
			case 0x15:
				ok = a == in.K
			case 0x25:
				ok = a > in.K
			case 0x35:
				ok = a >= in.K
			case 0x45:
				ok = a&in.K != 0
			}
			if ok {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case 0x06: // ret #k
			return in.K, nil
		case 0x16: // ret a
			return a, nil
		default:
			return 0, fmt.Errorf("pc %d: opcode %#x not interpreted", pc, in.Code)
		}
	}
	return 0, fmt.Errorf("fell off the end of the program")
}

func sysno(t testing.TB, name string) int32 {
	t.Helper()
	nr, err := libseccomp.GetSyscallFromName(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return int32(nr)
}

func verdictString(v uint32) string {
	switch v & unix.SECCOMP_RET_ACTION_FULL {
	case unix.SECCOMP_RET_ALLOW:
		return "allow"
	case unix.SECCOMP_RET_LOG:
		return "log"
	case unix.SECCOMP_RET_KILL_PROCESS:
		return "kill-process"
	case unix.SECCOMP_RET_KILL_THREAD:
		return "kill-thread"
	case unix.SECCOMP_RET_ERRNO:
		return unix.ErrnoName(unix.Errno(v & unix.SECCOMP_RET_DATA))
	}
	return fmt.Sprintf("%#x", v)
}
