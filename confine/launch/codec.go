package launch

import (
	"encoding/binary"
	"errors"
)

// encoder and decoder are the plan's format: unsigned varints, and
// strings and lists prefixed with their length.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) ports(ps []uint16) {
	e.uint(uint64(len(ps)))
	for _, p := range ps {
		e.uint(uint64(p))
	}
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// decoder reads what encoder wrote; after the first error every read
// returns zero values and err keeps that error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length, bounded by what is left: each element takes
// at least one byte.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err = errors.New("bad length")
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) ports() []uint16 {
	n := d.count()
	if n == 0 {
		return nil
	}
	ps := make([]uint16, n)
	for i := range ps {
		v := d.uint()
		if v > 0xffff {
			d.err = errors.New("bad port")
		}
		ps[i] = uint16(v)
	}
	return ps
}

func (d *decoder) bool() bool {
	if d.err != nil || len(d.b) == 0 {
		if d.err == nil {
			d.err = errors.New("truncated")
		}
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	if v > 1 {
		d.err = errors.New("bad boolean")
	}
	return v == 1
}
