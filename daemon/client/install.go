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
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot open %s for upload: %w", path, err)
	}
	// The daemon names the change after this path, as snapd does.
	abs, err := filepath.Abs(path)
	if err != nil {
		f.Close()
		return "", fmt.Errorf("cannot resolve %s: %w", path, err)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		defer f.Close()
		pw.CloseWithError(writeInstallForm(mw, f, abs, opts))
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
func writeInstallForm(mw *multipart.Writer, f io.Reader, path string, opts InstallOptions) error {
	fields := [][2]string{{"action", "install"}, {"snap-path", path}}
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
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("snap", filepath.Base(path)))
	h.Set("Content-Type", "application/octet-stream")
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, f); err != nil {
		return fmt.Errorf("cannot read %s for upload: %w", path, err)
	}
	return mw.Close()
}
