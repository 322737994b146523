package client

import "context"

// SysInfo describes the daemon and the system it runs on.
type SysInfo struct {
	Series          string              `json:"series"`
	Version         string              `json:"version"`
	BuildID         string              `json:"build-id"`
	OSRelease       OSRelease           `json:"os-release"`
	OnClassic       bool                `json:"on-classic"`
	Managed         bool                `json:"managed"`
	KernelVersion   string              `json:"kernel-version"`
	Architecture    string              `json:"architecture"`
	Virtualization  string              `json:"virtualization,omitempty"`
	Confinement     string              `json:"confinement"`
	SystemMode      string              `json:"system-mode,omitempty"`
	Locations       map[string]string   `json:"locations,omitempty"`
	Refresh         RefreshInfo         `json:"refresh"`
	SandboxFeatures map[string][]string `json:"sandbox-features,omitempty"`
}

// OSRelease is the host's /etc/os-release as the daemon read it.
type OSRelease struct {
	ID        string `json:"id"`
	VersionID string `json:"version-id,omitempty"`
}

// RefreshInfo is the automatic refresh schedule.
type RefreshInfo struct {
	Timer string `json:"timer,omitempty"`
	Hold  string `json:"hold,omitempty"`
	Last  string `json:"last,omitempty"`
	Next  string `json:"next,omitempty"`
}

// SysInfo returns GET /v2/system-info.
func (c *Client) SysInfo(ctx context.Context) (*SysInfo, error) {
	var si SysInfo
	if err := c.doSync(ctx, request{method: "GET", path: "/v2/system-info"}, &si); err != nil {
		return nil, err
	}
	return &si, nil
}
