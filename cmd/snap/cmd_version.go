package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

// Version is set at link time (-ldflags "-X main.Version=..."); otherwise
// the module version Go recorded is used.
var Version string

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "unknown"
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the versions of snap, snapd and the system",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows := [][2]string{{"snap", version()}, {"snapd", "unavailable"}, {"series", "16"}}
			osID, osVersion := localOSRelease()
			kernel := localKernel()
			// The daemon's view wins: it is what snaps actually run on.
			if si, err := a.client().SysInfo(cmd.Context()); err == nil {
				rows[1][1] = si.Version
				if si.Series != "" {
					rows[2][1] = si.Series
				}
				if si.OSRelease.ID != "" {
					osID, osVersion = si.OSRelease.ID, si.OSRelease.VersionID
				}
				if si.KernelVersion != "" {
					kernel = si.KernelVersion
				}
			}
			if osID != "" {
				rows = append(rows, [2]string{osID, dash(osVersion)})
			}
			rows = append(rows, [2]string{"kernel", dash(kernel)})
			tw := newTable(cmd.OutOrStdout())
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
			}
			return tw.Flush()
		},
	}
}

func localKernel() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// localOSRelease reads ID and VERSION_ID of the host for when the daemon
// cannot say.
func localOSRelease() (id, versionID string) {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			id = v
		case "VERSION_ID":
			versionID = v
		}
	}
	return id, versionID
}
