package main

import (
	"fmt"

	"github.com/snappy-pm/snappy/snap/snapfile"
	"github.com/spf13/cobra"
)

func (a *app) packCmd() *cobra.Command {
	var opts snapfile.PackOptions
	cmd := &cobra.Command{
		Use:   "pack DIR [OUTDIR]",
		Short: "Build a .snap file from a directory holding meta/snap.yaml",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			outDir := "."
			if len(args) == 2 {
				outDir = args[1]
			}
			path, err := snapfile.Pack(args[0], outDir, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "built: %s\n", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Compression, "compression", "", "compression of the squashfs image: xz (the default) or lzo")
	return cmd
}
