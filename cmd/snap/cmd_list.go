package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/spf13/cobra"
)

func (a *app) listCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list [NAME...]",
		Short: "List installed snaps",
		RunE: func(cmd *cobra.Command, names []string) error {
			snaps, err := a.client().List(cmd.Context(), names, all)
			if err != nil {
				return err
			}
			if len(snaps) == 0 {
				if len(names) > 0 {
					return errors.New("no matching snaps installed")
				}
				fmt.Fprintln(cmd.ErrOrStderr(), "No snaps are installed yet. Install one from a file with \"snap install --dangerous FILE.snap\".")
				return nil
			}
			sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].Name < snaps[j].Name })
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "Name\tVersion\tRev\tTracking\tPublisher\tNotes")
			for _, s := range snaps {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Version, s.Revision,
					dash(s.TrackingChannel), publisher(s.Publisher), notes(s))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "show every installed revision, not only the active ones")
	return cmd
}

// publisher writes the account with snapd's mark for verified ones.
func publisher(acct *client.Account) string {
	if acct == nil || acct.Username == "" {
		return "-"
	}
	switch acct.Validation {
	case "verified":
		return acct.Username + "✓"
	case "starred":
		return acct.Username + "✪"
	}
	return acct.Username
}

// notes lists what is special about a snap: its type unless it is an app,
// how it is confined when not strictly, and what state it is in.
func notes(s *client.Snap) string {
	var ns []string
	switch s.Type {
	case "", "app":
	case "os":
		// The type of the old "core" snap; snapd calls it that.
		ns = append(ns, "core")
	default:
		ns = append(ns, s.Type)
	}
	if s.DevMode || s.Confinement == "devmode" {
		ns = append(ns, "devmode")
	}
	if s.JailMode {
		ns = append(ns, "jailmode")
	}
	if s.Confinement == "classic" {
		ns = append(ns, "classic")
	}
	if s.TryMode {
		ns = append(ns, "try")
	}
	if s.Status != "" && s.Status != client.StatusActive {
		ns = append(ns, "disabled")
	}
	if s.Broken != "" {
		ns = append(ns, "broken")
	}
	if s.IgnoreValidation {
		ns = append(ns, "ignore-validation")
	}
	if len(ns) == 0 {
		return "-"
	}
	return strings.Join(ns, ",")
}
