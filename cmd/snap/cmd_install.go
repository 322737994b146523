package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/spf13/cobra"
)

func (a *app) installCmd() *cobra.Command {
	var opts client.InstallOptions
	var noWait bool
	cmd := &cobra.Command{
		Use:   "install FILE.snap...",
		Short: "Install snaps from .snap files",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, path := range args {
				if !looksLikePath(path) {
					return fmt.Errorf("cannot install %q: installing from a store is not supported yet; give the path to a .snap file (./%s.snap, say)", path, path)
				}
			}
			// One request and one change for all the files: each snap
			// has its own lane, so one that fails is undone alone.
			id, err := a.client().InstallFiles(cmd.Context(), args, opts)
			if err != nil {
				return err
			}
			if noWait {
				fmt.Fprintln(cmd.OutOrStdout(), id)
				return nil
			}
			chg, err := a.wait(cmd, id)
			if err != nil {
				return err
			}
			return a.reportInstalled(cmd, chg, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.Dangerous, "dangerous", false, "install the file even though no assertion vouches for it")
	f.BoolVar(&opts.DevMode, "devmode", false, "run the snap unconfined, logging what confinement would deny")
	f.BoolVar(&opts.Classic, "classic", false, "allow a snap with classic confinement")
	f.BoolVar(&noWait, "no-wait", false, "print the change id and do not wait for the change to finish")
	return cmd
}

// looksLikePath tells a file argument from a snap name, as snapd does: names
// never contain a slash nor end in .snap.
func looksLikePath(arg string) bool {
	return strings.ContainsRune(arg, '/') || strings.HasSuffix(arg, ".snap")
}

// reportInstalled prints "NAME VERSION installed" for each snap of the
// change, asking the daemon for the versions as the snap client does.
func (a *app) reportInstalled(cmd *cobra.Command, chg *client.Change, paths []string) error {
	names := chg.SnapNames()
	if len(names) == 0 {
		for _, path := range paths {
			fmt.Fprintf(cmd.OutOrStdout(), "%s installed\n", filepath.Base(path))
		}
		return nil
	}
	snaps, err := a.client().List(cmd.Context(), names, false)
	if err != nil {
		return fmt.Errorf("%s installed but cannot be listed: %w", strings.Join(names, ", "), err)
	}
	version := map[string]string{}
	for _, s := range snaps {
		version[s.Name] = s.Version
	}
	for _, name := range names {
		if v, ok := version[name]; ok {
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s installed\n", name, v)
		} else {
			fmt.Fprintf(cmd.OutOrStdout(), "%s installed\n", name)
		}
	}
	return nil
}

func (a *app) removeCmd() *cobra.Command {
	var purge, noWait bool
	cmd := &cobra.Command{
		Use:   "remove NAME...",
		Short: "Remove snaps",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, name := range args {
				id, err := a.client().Remove(cmd.Context(), name, purge)
				if err != nil {
					return err
				}
				if noWait {
					fmt.Fprintln(cmd.OutOrStdout(), id)
					continue
				}
				if _, err := a.wait(cmd, id); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s removed\n", name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&purge, "purge", false, "remove the data too, without keeping a snapshot of it")
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "print the change id and do not wait for the change to finish")
	return cmd
}
