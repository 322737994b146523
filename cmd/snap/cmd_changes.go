package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/spf13/cobra"
)

func (a *app) changesCmd() *cobra.Command {
	var absTime bool
	cmd := &cobra.Command{
		Use:   "changes [NAME]",
		Short: "List system changes",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var forSnap string
			if len(args) == 1 {
				forSnap = args[0]
			}
			changes, err := a.client().Changes(cmd.Context(), client.ChangesAll, forSnap)
			if err != nil {
				return err
			}
			if len(changes) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no changes found")
				return nil
			}
			sort.SliceStable(changes, func(i, j int) bool { return changes[i].SpawnTime.Before(changes[j].SpawnTime) })
			tf := a.times(absTime)
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "ID\tStatus\tSpawn\tReady\tSummary")
			for _, chg := range changes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", chg.ID, chg.Status,
					tf.format(chg.SpawnTime), tf.format(chg.ReadyTime), chg.Summary)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&absTime, "abs-time", false, "show times in RFC 3339 format")
	return cmd
}

func (a *app) tasksCmd() *cobra.Command {
	var absTime bool
	var last string
	cmd := &cobra.Command{
		Use:     "tasks ID",
		Aliases: []string{"change"},
		Short:   "List the tasks of a change",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := a.changeID(cmd, args, last)
			if err != nil {
				return err
			}
			chg, err := a.client().Change(cmd.Context(), id)
			if err != nil {
				return err
			}
			return writeTasks(cmd.OutOrStdout(), chg, a.times(absTime))
		},
	}
	cmd.Flags().BoolVar(&absTime, "abs-time", false, "show times in RFC 3339 format")
	cmd.Flags().StringVar(&last, "last", "", "show the last change of this kind (install, remove, ...) instead of one given by ID")
	return cmd
}

// changeID is the change named on the command line, or the latest one of
// the kind given with --last.
func (a *app) changeID(cmd *cobra.Command, args []string, last string) (string, error) {
	switch {
	case len(args) == 1 && last != "":
		return "", errors.New("give either a change ID or --last, not both")
	case len(args) == 1:
		return args[0], nil
	case last == "":
		return "", errors.New("missing change ID: give one (see \"snap changes\") or use --last=KIND")
	}
	changes, err := a.client().Changes(cmd.Context(), client.ChangesAll, "")
	if err != nil {
		return "", err
	}
	// "install" is short for the change kind "install-snap".
	kind := last
	if !strings.Contains(kind, "-") {
		kind += "-snap"
	}
	var found *client.Change
	for _, chg := range changes {
		if chg.Kind == kind && (found == nil || chg.SpawnTime.After(found.SpawnTime)) {
			found = chg
		}
	}
	if found == nil {
		return "", fmt.Errorf("no changes of kind %q found (see \"snap changes\")", kind)
	}
	return found.ID, nil
}

// writeTasks prints the task table, then the log of each task that has one.
func writeTasks(w io.Writer, chg *client.Change, tf timeFormatter) error {
	tw := newTable(w)
	fmt.Fprintln(tw, "Status\tSpawn\tReady\tSummary")
	for _, t := range chg.Tasks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Status, tf.format(t.SpawnTime), tf.format(t.ReadyTime), t.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range chg.Tasks {
		if len(t.Log) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n%s\n\n", strings.Repeat(".", 70), t.Summary)
		for _, line := range t.Log {
			fmt.Fprintln(w, line)
		}
	}
	return nil
}

func (a *app) abortCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "abort ID",
		Short: "Stop a change that is running and undo what it did",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := a.client().Abort(cmd.Context(), args[0])
			return err
		},
	}
}
