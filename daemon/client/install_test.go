package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

type formPart struct {
	name, filename, contentType, body string
}

func readForm(t *testing.T, r *http.Request) []formPart {
	t.Helper()
	mr, err := r.MultipartReader()
	if err != nil {
		t.Fatal(err)
	}
	var parts []formPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, formPart{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(body)})
	}
}

func TestInstallUploadsLikeSnapd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello-anchor_1.0_all.snap")
	content := bytes.Repeat([]byte("hsqs-data-"), 100000)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	accepted := fixture(t, "post-install-multipart.json")
	t.Chdir(dir)

	for _, tc := range []struct {
		opts   InstallOptions
		fields []formPart
	}{{
		InstallOptions{Dangerous: true},
		[]formPart{{name: "action", body: "install"}, {name: "snap-path", body: path},
			{name: "dangerous", body: "true"}, {name: "transaction", body: "per-snap"}},
	}, {
		InstallOptions{DevMode: true, Classic: true},
		[]formPart{{name: "action", body: "install"}, {name: "snap-path", body: path},
			{name: "devmode", body: "true"}, {name: "classic", body: "true"}, {name: "transaction", body: "per-snap"}},
	}} {
		c := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" || r.URL.Path != "/v2/snaps" {
				t.Errorf("got %s %s", r.Method, r.URL)
			}
			// Streamed, so the length is not known up front.
			if r.ContentLength != -1 || !reflect.DeepEqual(r.TransferEncoding, []string{"chunked"}) {
				t.Errorf("upload not streamed: length %d, encoding %v", r.ContentLength, r.TransferEncoding)
			}
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
				t.Errorf("content type %q", mt)
			}
			parts := readForm(t, r)
			if len(parts) == 0 {
				t.Fatal("empty form")
			}
			file := parts[len(parts)-1]
			if file.name != "snap" || file.filename != "hello-anchor_1.0_all.snap" ||
				file.contentType != "application/octet-stream" || file.body != string(content) {
				t.Errorf("file part: %q %q %q, %d bytes", file.name, file.filename, file.contentType, len(file.body))
			}
			if !reflect.DeepEqual(parts[:len(parts)-1], tc.fields) {
				t.Errorf("fields\n%+v\nwant\n%+v", parts[:len(parts)-1], tc.fields)
			}
			w.WriteHeader(202)
			w.Write(accepted)
		})
		// A relative path: the daemon is told the absolute one.
		id, err := c.Install(context.Background(), "hello-anchor_1.0_all.snap", tc.opts)
		if err != nil || id != "116" {
			t.Errorf("got %q, %v", id, err)
		}
	}
}

func TestInstallRefusedBeforeUpload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.snap")
	if err := os.WriteFile(path, make([]byte, 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	// The daemon answers without reading the body: the upload must stop
	// and the error reach the caller.
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(400)
		w.Write([]byte(`{"type":"error","status-code":400,"status":"Bad Request","result":{"message":"cannot install: no"}}`))
	})
	_, err := c.Install(context.Background(), path, InstallOptions{})
	var apiErr *Error
	if err == nil {
		t.Fatal("no error")
	}
	if errors.As(err, &apiErr) && apiErr.Message != "cannot install: no" {
		t.Errorf("got %v", err)
	}
}

func TestInstallMissingFile(t *testing.T) {
	c := New(filepath.Join(t.TempDir(), "unused.socket"))
	_, err := c.Install(context.Background(), "/nonexistent/x.snap", InstallOptions{})
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
}
