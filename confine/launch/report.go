package launch

import (
	"encoding/binary"
	"errors"
	"io"
)

// The report, stage 2 to stage 1: 'S' and the app's wait status (4 bytes),
// or 'E', a length and the message of the error that kept the app from
// starting. A fixed layout, read as soon as it is complete: stage 2 still
// has its namespaces to tear down after it, and nobody needs to wait.
type report struct {
	Status *uint32
	Err    string
}

func sendReport(w io.Writer, rep report) {
	var e encoder
	if rep.Status != nil {
		e.b = binary.LittleEndian.AppendUint32([]byte{'S'}, *rep.Status)
	} else {
		e.b = []byte{'E'}
		e.str(rep.Err)
	}
	// Stage 1 may be gone; then nobody is left to tell.
	_, _ = w.Write(e.b)
}

// readReport returns io.EOF when stage 2 ended without a word.
func readReport(r io.Reader) (report, error) {
	var kind [1]byte
	if _, err := io.ReadFull(r, kind[:]); err != nil {
		return report{}, io.EOF
	}
	switch kind[0] {
	case 'S':
		var st [4]byte
		if _, err := io.ReadFull(r, st[:]); err != nil {
			return report{}, io.EOF
		}
		v := binary.LittleEndian.Uint32(st[:])
		return report{Status: &v}, nil
	case 'E':
		msg, err := io.ReadAll(io.LimitReader(r, 1<<16))
		if err != nil {
			return report{}, err
		}
		d := decoder{b: msg}
		if s := d.str(); d.err == nil {
			return report{Err: s}, nil
		}
	}
	return report{}, errors.New("garbled report from the launcher's stage 2")
}
