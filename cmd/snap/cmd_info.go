package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/snappy-pm/snappy/snap/snapfile"
	"github.com/spf13/cobra"
)

func (a *app) infoCmd() *cobra.Command {
	var absTime bool
	cmd := &cobra.Command{
		Use:   "info NAME|FILE.snap...",
		Short: "Show details about installed snaps or .snap files",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			for i, arg := range args {
				if i > 0 {
					fmt.Fprintln(w, "---")
				}
				var err error
				if looksLikePath(arg) {
					err = infoFile(w, arg)
				} else {
					err = a.infoInstalled(cmd, w, arg, a.times(absTime))
				}
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&absTime, "abs-time", false, "show times in RFC 3339 format")
	return cmd
}

// infoFile reads the snap.yaml inside a .snap file: no daemon needed.
func infoFile(w io.Writer, path string) error {
	info, err := snapfile.ReadInfo(path)
	if err != nil {
		return fmt.Errorf("cannot read snap file %s: %w", path, err)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "path:\t%q\n", path)
	fmt.Fprintf(tw, "name:\t%s\n", info.Name)
	fmt.Fprintf(tw, "summary:\t%s\n", info.Summary)
	version := info.Version
	if c := string(info.Confinement); c == "devmode" || c == "classic" {
		version += " " + c
	}
	fmt.Fprintf(tw, "version:\t%s\n", version)
	writeAbout(tw, info.License, info.Description)
	var apps []appLine
	for name, app := range info.Apps {
		apps = append(apps, appLine{name: name, daemon: app.Daemon})
	}
	writeApps(tw, info.Name, apps)
	return tw.Flush()
}

func (a *app) infoInstalled(cmd *cobra.Command, w io.Writer, name string, tf timeFormatter) error {
	s, err := a.client().Snap(cmd.Context(), name)
	var apiErr *client.Error
	if errors.As(err, &apiErr) && apiErr.Kind == "snap-not-found" {
		return fmt.Errorf("snap %q is not installed: \"snap list\" shows the ones that are, \"snap info FILE.snap\" reads a file", name)
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\n", s.Name)
	fmt.Fprintf(tw, "summary:\t%s\n", s.Summary)
	fmt.Fprintf(tw, "publisher:\t%s\n", publisher(s.Publisher))
	if s.Contact != "" {
		fmt.Fprintf(tw, "contact:\t%s\n", s.Contact)
	}
	writeAbout(tw, s.License, s.Description)
	var apps []appLine
	for _, app := range s.Apps {
		apps = append(apps, appLine{name: app.Name, daemon: app.Daemon})
	}
	writeApps(tw, s.Name, apps)
	if s.TrackingChannel != "" {
		fmt.Fprintf(tw, "tracking:\t%s\n", s.TrackingChannel)
	}
	if s.InstallDate != nil {
		fmt.Fprintf(tw, "refresh-date:\t%s\n", tf.format(*s.InstallDate))
	}
	fmt.Fprintf(tw, "installed:\t%s (%s) %s %s\n", s.Version, s.Revision, sizeString(s.InstalledSize), notes(s))
	return tw.Flush()
}

// writeAbout writes the license and the description as a YAML block, which
// keeps multi-line descriptions readable and parseable.
func writeAbout(tw *tabwriter.Writer, license, description string) {
	if license == "" {
		license = "unset"
	}
	fmt.Fprintf(tw, "license:\t%s\n", license)
	// The block must not be aligned by the tabwriter.
	tw.Flush()
	fmt.Fprintln(tw, "description: |")
	for _, line := range strings.Split(strings.TrimRight(description, "\n"), "\n") {
		fmt.Fprintln(tw, strings.TrimRight("  "+line, " "))
	}
}

type appLine struct{ name, daemon string }

// writeApps lists the commands users type and the services, each under the
// name it has outside the snap.
func writeApps(tw *tabwriter.Writer, snapName string, apps []appLine) {
	sort.Slice(apps, func(i, j int) bool { return apps[i].name < apps[j].name })
	var commands, services []string
	for _, app := range apps {
		full := snapName + "." + app.name
		if app.name == snapName {
			full = snapName
		}
		if app.daemon != "" {
			services = append(services, fmt.Sprintf("  %s:\t%s", full, app.daemon))
		} else {
			commands = append(commands, "  - "+full)
		}
	}
	tw.Flush()
	if len(commands) > 0 {
		fmt.Fprintln(tw, "commands:\n"+strings.Join(commands, "\n"))
	}
	if len(services) > 0 {
		fmt.Fprintln(tw, "services:\n"+strings.Join(services, "\n"))
	}
	tw.Flush()
}
