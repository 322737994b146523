package bench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkUpload20MB times POST /v2/snaps of the 20 MB snap, sent from
// memory, until the daemon answers with the change's id: the upload, its
// validation and the stored change, which is the part of `snap install`
// before any task runs. In the same loop, its floor: the same request to
// refserver, which only reads it (moving the bytes through the socket), plus
// writing the file and fsyncing it, as the daemon does with an upload.
func BenchmarkUpload20MB(b *testing.B) {
	requireRoot(b)
	big := testSnap(b, "bench-x", snapOpts{random: bigSnapSize})
	s := newSystem(b)
	s.mustStart()
	ref := startRef(b, s.dir, []byte(`{"type":"async","status-code":202,"status":"Accepted","change":"1"}`))
	body, ctype, err := installBody(big)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(big)
	if err != nil {
		b.Fatal(err)
	}
	copyPath := filepath.Join(s.dir, "copy.snap")

	var upload, transfer, write, fsync samples
	for b.Loop() {
		t0 := time.Now()
		env, err := s.call("POST", "/v2/snaps", ctype, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		upload = append(upload, time.Since(t0))
		if _, err := s.wait(env.Change); err != nil {
			b.Fatal(err)
		}
		id, err := s.remove("bench-x")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.wait(id); err != nil {
			b.Fatal(err)
		}

		t0 = time.Now()
		resp, err := ref.http.Post("http://localhost/v2/snaps", ctype, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		transfer = append(transfer, time.Since(t0))

		w, f := writeSync(b, copyPath, data)
		write, fsync = append(write, w), append(fsync, f)
	}
	hideNsPerOp(b)
	floor := transfer.p50() + write.p50() + fsync.p50()
	metric(b, upload.p50(), "upload-p50-ms")
	metric(b, floor, "upload-floor-ms")
	summary(b, "upload part of install: POST /v2/snaps 20 MB → change id (median)", fmtMS(upload.p50()),
		"same POST to refserver "+fmtMS(transfer.p50())+" + write "+fmtMS(write.p50())+" + fsync "+fmtMS(fsync.p50())+" = "+fmtMS(floor),
		ratio(upload.p50(), floor), "—", "—")
}

// writeSync writes data to a new file and fsyncs it, timing each, and
// removes it.
func writeSync(b *testing.B, path string, data []byte) (write, fsync time.Duration) {
	b.Helper()
	t0 := time.Now()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		b.Fatal(err)
	}
	write = time.Since(t0)
	t0 = time.Now()
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	fsync = time.Since(t0)
	f.Close()
	if err := os.Remove(path); err != nil {
		b.Fatal(err)
	}
	return write, fsync
}
