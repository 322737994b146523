package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/snappy-pm/snappy/confine/launch"
)

func (a *app) debugCmd() *cobra.Command {
	debug := &cobra.Command{
		Use:   "debug",
		Short: "Show how this system confines snaps",
	}
	debug.AddCommand(&cobra.Command{
		Use:   "sandbox-features",
		Short: "List the confinement layers this kernel enforces",
		Args:  cobra.NoArgs,
		// The launcher's own probe of the kernel, the same one that
		// decides what a launch applies: no daemon needed.
		RunE: func(cmd *cobra.Command, args []string) error {
			feats := launch.SandboxFeatures()
			keys := make([]string, 0, len(feats))
			for k := range feats {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(cmd.OutOrStdout(), "%s:%s%s\n", k, strings.Repeat(" ", max(1, 21-len(k))), strings.Join(feats[k], " "))
			}
			return nil
		},
	})
	return debug
}
