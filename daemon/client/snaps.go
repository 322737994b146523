package client

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Snap is an installed snap as GET /v2/snaps describes it.
type Snap struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Title            string     `json:"title,omitempty"`
	Summary          string     `json:"summary"`
	Description      string     `json:"description"`
	Version          string     `json:"version"`
	Revision         string     `json:"revision"`
	Channel          string     `json:"channel"`
	TrackingChannel  string     `json:"tracking-channel,omitempty"`
	Confinement      string     `json:"confinement"`
	DevMode          bool       `json:"devmode"`
	JailMode         bool       `json:"jailmode"`
	TryMode          bool       `json:"trymode,omitempty"`
	Private          bool       `json:"private"`
	IgnoreValidation bool       `json:"ignore-validation"`
	Type             string     `json:"type"`
	Base             string     `json:"base,omitempty"`
	Status           string     `json:"status"`
	Broken           string     `json:"broken,omitempty"`
	License          string     `json:"license,omitempty"`
	InstalledSize    int64      `json:"installed-size"`
	InstallDate      *time.Time `json:"install-date,omitempty"`
	MountedFrom      string     `json:"mounted-from"`
	Apps             []App      `json:"apps,omitempty"`
	Publisher        *Account   `json:"publisher,omitempty"`
	Developer        string     `json:"developer"`
	Contact          string     `json:"contact"`
	Website          string     `json:"website,omitempty"`
	Health           *Health    `json:"health,omitempty"`
}

// Snap statuses; "installed" means present but not the active revision.
const (
	StatusActive    = "active"
	StatusInstalled = "installed"
)

// Account is a publisher.
type Account struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display-name"`
	// Validation is "verified", "starred" or "unproven".
	Validation string `json:"validation,omitempty"`
}

// Health is what the snap's check-health hook last reported.
type Health struct {
	Revision  string    `json:"revision"`
	Timestamp time.Time `json:"timestamp"`
	Status    string    `json:"status"`
	Message   string    `json:"message,omitempty"`
	Code      string    `json:"code,omitempty"`
}

// App is one app of a snap, as listed in a Snap or by GET /v2/apps.
type App struct {
	Snap        string `json:"snap,omitempty"`
	Name        string `json:"name"`
	DesktopFile string `json:"desktop-file,omitempty"`
	Daemon      string `json:"daemon,omitempty"`
	DaemonScope string `json:"daemon-scope,omitempty"`
	Enabled     bool   `json:"enabled,omitempty"`
	Active      bool   `json:"active,omitempty"`
	CommonID    string `json:"common-id,omitempty"`
}

// IsService tells whether the app runs as a daemon.
func (a *App) IsService() bool { return a.Daemon != "" }

// List returns the installed snaps, only those named if names is not
// empty; all adds the inactive revisions.
func (c *Client) List(ctx context.Context, names []string, all bool) ([]*Snap, error) {
	q := url.Values{}
	if len(names) > 0 {
		q.Set("snaps", strings.Join(names, ","))
	}
	if all {
		q.Set("select", "all")
	}
	var snaps []*Snap
	err := c.doSync(ctx, request{method: "GET", path: "/v2/snaps", query: q}, &snaps)
	return snaps, err
}

// Snap returns one installed snap.
func (c *Client) Snap(ctx context.Context, name string) (*Snap, error) {
	var s Snap
	if err := c.doSync(ctx, request{method: "GET", path: "/v2/snaps/" + url.PathEscape(name)}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Apps lists the apps of the named snaps (all snaps if names is empty),
// only the services if services is set.
func (c *Client) Apps(ctx context.Context, names []string, services bool) ([]*App, error) {
	q := url.Values{}
	if len(names) > 0 {
		q.Set("names", strings.Join(names, ","))
	}
	if services {
		q.Set("select", "service")
	}
	var apps []*App
	err := c.doSync(ctx, request{method: "GET", path: "/v2/apps", query: q}, &apps)
	return apps, err
}

// Remove starts removing a snap and returns the change id; purge skips the
// automatic snapshot of its data.
func (c *Client) Remove(ctx context.Context, name string, purge bool) (string, error) {
	body, err := jsonBody(struct {
		Action string `json:"action"`
		Purge  bool   `json:"purge,omitempty"`
	}{"remove", purge})
	if err != nil {
		return "", err
	}
	return c.doAsync(ctx, request{
		method: "POST", path: "/v2/snaps/" + url.PathEscape(name),
		body: body, contentType: "application/json",
	})
}
