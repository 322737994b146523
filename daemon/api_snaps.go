package daemon

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/snap"
)

// snapJSON is a snap as snapd's /v2/snaps shows it (same fields, same order).
type snapJSON struct {
	ID               string    `json:"id"`
	Title            string    `json:"title,omitempty"`
	Summary          string    `json:"summary"`
	Description      string    `json:"description"`
	InstalledSize    int64     `json:"installed-size"`
	Name             string    `json:"name"`
	Developer        string    `json:"developer"`
	Status           string    `json:"status"`
	Type             string    `json:"type"`
	Base             string    `json:"base,omitempty"`
	Version          string    `json:"version"`
	Channel          string    `json:"channel"`
	IgnoreValidation bool      `json:"ignore-validation"`
	Revision         string    `json:"revision"`
	Confinement      string    `json:"confinement"`
	Private          bool      `json:"private"`
	DevMode          bool      `json:"devmode"`
	JailMode         bool      `json:"jailmode"`
	Apps             []appJSON `json:"apps,omitempty"`
	License          string    `json:"license,omitempty"`
	Contact          string    `json:"contact"`
	MountedFrom      string    `json:"mounted-from"`
	InstallDate      time.Time `json:"install-date"`
}

// appJSON is an app as /v2/apps and the apps of /v2/snaps show it.
type appJSON struct {
	Snap   string `json:"snap"`
	Name   string `json:"name"`
	Daemon string `json:"daemon,omitempty"`
}

func appsOf(info *snap.Info) []appJSON {
	names := make([]string, 0, len(info.Apps))
	for n := range info.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	apps := make([]appJSON, 0, len(names))
	for _, n := range names {
		apps = append(apps, appJSON{Snap: info.Name, Name: n, Daemon: info.Apps[n].Daemon})
	}
	return apps
}

func (d *Daemon) snapToJSON(in snapmgr.Installed) snapJSON {
	info := in.Info
	status := "installed"
	if in.Active {
		status = "active"
	}
	typ := string(info.Type)
	if typ == "" {
		typ = "app"
	}
	return snapJSON{
		Title:         info.Title,
		Summary:       info.Summary,
		Description:   info.Description,
		InstalledSize: in.State.Size,
		Name:          info.Name,
		Status:        status,
		Type:          typ,
		Base:          info.Base,
		Version:       info.Version,
		Revision:      in.State.Revision.String(),
		Confinement:   string(info.Confinement),
		DevMode:       in.State.DevMode,
		Apps:          appsOf(info),
		License:       info.License,
		MountedFrom:   d.paths.BlobPath(info.Name, in.State.Revision.String()),
		InstallDate:   in.State.InstallDate,
	}
}

func splitNames(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func (d *Daemon) getSnaps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	all := false
	switch sel := q.Get("select"); sel {
	case "", "enabled":
	case "all":
		all = true
	default:
		badRequest(w, fmt.Sprintf("invalid select parameter: %q", sel))
		return
	}
	list, err := d.snaps.List(splitNames(q.Get("snaps")), all)
	if err != nil {
		errorFor(w, err)
		return
	}
	out := make([]snapJSON, 0, len(list))
	for _, in := range list {
		out = append(out, d.snapToJSON(in))
	}
	writeJSON(w, envelope{Type: "sync", StatusCode: 200, Status: "OK", Result: out, Sources: []string{"local"}})
}

func (d *Daemon) getSnap(w http.ResponseWriter, r *http.Request) {
	in, err := d.snaps.Snap(r.PathValue("name"))
	if err != nil {
		errorFor(w, err)
		return
	}
	syncResponse(w, d.snapToJSON(in))
}

// snapAction is the JSON body of POST /v2/snaps and /v2/snaps/NAME.
type snapAction struct {
	Action string   `json:"action"`
	Snaps  []string `json:"snaps"`
	Purge  bool     `json:"purge"`
}

func (d *Daemon) postSnap(w http.ResponseWriter, r *http.Request) {
	var act snapAction
	if err := decodeJSON(r, &act); err != nil {
		badRequest(w, err.Error())
		return
	}
	act.Snaps = []string{r.PathValue("name")}
	d.doSnapAction(w, act)
}

func (d *Daemon) doSnapAction(w http.ResponseWriter, act snapAction) {
	switch act.Action {
	case "remove":
		chg, err := d.snaps.Remove(act.Snaps, act.Purge)
		if err != nil {
			errorFor(w, err)
			return
		}
		asyncResponse(w, chg.ID)
	case "install", "refresh", "revert":
		badRequest(w, fmt.Sprintf("cannot %s %s: no store is configured and only local files can be installed (snap install --dangerous FILE)", act.Action, strings.Join(act.Snaps, ", ")))
	default:
		badRequest(w, fmt.Sprintf("unknown action %s", act.Action))
	}
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("cannot decode request body into snap operation: %v", err)
	}
	return nil
}

func (d *Daemon) postSnaps(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		var act snapAction
		if err := decodeJSON(r, &act); err != nil {
			badRequest(w, err.Error())
			return
		}
		if len(act.Snaps) == 0 {
			badRequest(w, "cannot "+act.Action+": no snaps given")
			return
		}
		d.doSnapAction(w, act)
		return
	}
	d.postUpload(w, r)
}

// postUpload streams each uploaded .snap straight into the blob directory,
// so a large snap never sits in memory and is moved, not copied, into place.
func (d *Daemon) postUpload(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		badRequest(w, "cannot read multipart upload: "+err.Error())
		return
	}
	fields := map[string]string{}
	var files []snapmgr.LocalInstall
	keep := false
	defer func() {
		if !keep {
			for _, f := range files {
				os.Remove(f.Path)
			}
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			badRequest(w, "cannot read multipart upload: "+err.Error())
			return
		}
		if part.FormName() != "snap" {
			val, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				badRequest(w, "cannot read multipart upload: "+err.Error())
				return
			}
			fields[part.FormName()] = string(val)
			continue
		}
		path, err := d.saveUpload(part)
		if err != nil {
			errorFor(w, err)
			return
		}
		files = append(files, snapmgr.LocalInstall{Path: path, Origin: part.FileName()})
	}
	if a := fields["action"]; a != "" && a != "install" {
		badRequest(w, fmt.Sprintf("unknown action %s", a))
		return
	}
	if len(files) == 0 {
		badRequest(w, `cannot find "snap" file field in provided multipart/form-data payload`)
		return
	}
	flags := snapmgr.Flags{
		Dangerous: isTrue(fields["dangerous"]),
		DevMode:   isTrue(fields["devmode"]),
		Classic:   isTrue(fields["classic"]),
	}
	for i := range files {
		files[i].Flags = flags
		// The real client sends the path the user typed; it reads better
		// in the change summary than the bare file name.
		if p := fields["snap-path"]; p != "" && len(files) == 1 {
			files[i].Origin = p
		}
	}
	chg, err := d.snaps.InstallFiles(files)
	if err != nil {
		errorFor(w, err)
		return
	}
	keep = true
	asyncResponse(w, chg.ID)
}

func isTrue(s string) bool { return s == "true" || s == "1" }

func (d *Daemon) saveUpload(part io.Reader) (string, error) {
	dir := d.paths.BlobDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, snapmgr.UploadPrefix+"*")
	if err != nil {
		return "", fmt.Errorf("cannot store upload: %w", err)
	}
	_, err = io.Copy(f, part)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("cannot store upload: %w", err)
	}
	return filepath.Clean(f.Name()), nil
}

func (d *Daemon) getApps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	services := false
	switch sel := q.Get("select"); sel {
	case "":
	case "service":
		services = true
	default:
		badRequest(w, fmt.Sprintf("invalid select parameter: %q", sel))
		return
	}
	var snapNames []string
	wantApp := map[string]bool{}
	for _, n := range splitNames(q.Get("names")) {
		snapName, app, _ := strings.Cut(n, ".")
		snapNames = append(snapNames, snapName)
		if app != "" {
			wantApp[snapName+"."+app] = true
		} else {
			wantApp[snapName] = true
		}
	}
	list, err := d.snaps.List(snapNames, false)
	if err != nil {
		errorFor(w, err)
		return
	}
	if len(snapNames) > 0 {
		found := map[string]bool{}
		for _, in := range list {
			found[in.Info.Name] = true
		}
		for _, n := range snapNames {
			if !found[n] {
				errorFor(w, &snapmgr.Error{Kind: snapmgr.KindNotFound, Value: n, Message: fmt.Sprintf("snap %q not found", n)})
				return
			}
		}
	}
	out := []appJSON{}
	for _, in := range list {
		for _, a := range appsOf(in.Info) {
			if len(wantApp) > 0 && !wantApp[a.Snap] && !wantApp[a.Snap+"."+a.Name] {
				continue
			}
			if services && a.Daemon == "" {
				continue
			}
			out = append(out, a)
		}
	}
	if len(wantApp) > 0 && len(out) == 0 {
		errorResponse(w, 404, "app-not-found", "cannot find any matching app", nil)
		return
	}
	syncResponse(w, out)
}
