package client

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
)

// InstallOptions are the flags of an install from a file.
type InstallOptions struct {
	// Dangerous installs without a signed assertion for the file.
	Dangerous bool
	DevMode   bool
	Classic   bool
}

// Install uploads a .snap file and returns the id of the change installing
// it. The file is streamed, never held in memory, since snaps can be large.
func (c *Client) Install(ctx context.Context, path string, opts InstallOptions) (string, error) {
	return c.InstallFiles(ctx, []string{path}, opts)
}

// InstallFiles uploads several .snap files in one request, which the
// daemon installs as one change with a lane per snap: one that fails is
// undone alone.
func (c *Client) InstallFiles(ctx context.Context, paths []string, opts InstallOptions) (string, error) {
	var files []*os.File
	var abs []string
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			closeAll()
			return "", fmt.Errorf("cannot open %s for upload: %w", path, err)
		}
		files = append(files, f)
		// The daemon names the change after this path, as snapd does.
		a, err := filepath.Abs(path)
		if err != nil {
			closeAll()
			return "", fmt.Errorf("cannot resolve %s: %w", path, err)
		}
		abs = append(abs, a)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		defer closeAll()
		pw.CloseWithError(writeInstallForm(mw, files, abs, opts))
	}()
	// Closing the reader stops the writer above when the daemon answers
	// before it has read the whole upload (an error, say).
	defer pr.Close()
	return c.doAsync(ctx, request{
		method: "POST", path: "/v2/snaps",
		body: pr, contentType: mw.FormDataContentType(),
	})
}

// writeInstallForm writes the fields in the order the real snap client
// sends them, the file last so the daemon knows the options before the data.
func writeInstallForm(mw *multipart.Writer, files []*os.File, paths []string, opts InstallOptions) error {
	fields := [][2]string{{"action", "install"}}
	if len(paths) == 1 {
		fields = append(fields, [2]string{"snap-path", paths[0]})
	}
	for _, flag := range []struct {
		name string
		set  bool
	}{{"dangerous", opts.Dangerous}, {"devmode", opts.DevMode}, {"classic", opts.Classic}} {
		if flag.set {
			fields = append(fields, [2]string{flag.name, "true"})
		}
	}
	fields = append(fields, [2]string{"transaction", "per-snap"})
	for _, kv := range fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", multipart.FileContentDisposition("snap", filepath.Base(paths[i])))
		h.Set("Content-Type", "application/octet-stream")
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(part, f); err != nil {
			return fmt.Errorf("cannot read %s for upload: %w", paths[i], err)
		}
	}
	return mw.Close()
}
