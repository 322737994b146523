package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/spf13/cobra"
)

// wait polls a change until it is ready, showing its progress on the
// command's stderr, and returns the change's error if it failed.
func (a *app) wait(cmd *cobra.Command, id string) (*client.Change, error) {
	// Leaving on ^C must not look like the change failed: it goes on.
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	show := newProgress(cmd.ErrOrStderr())
	defer show.finish()
	interval := a.pollMin
	for {
		chg, err := a.client().Change(ctx, id)
		if ctx.Err() != nil {
			return nil, interrupted(id)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot follow change %s (see \"snap tasks %s\" for how it went): %w", id, id, err)
		}
		show.update(chg)
		if chg.Ready {
			return chg, changeError(chg)
		}
		select {
		case <-ctx.Done():
			return nil, interrupted(id)
		case <-time.After(interval):
		}
		// Short changes finish within a few fast polls; long ones, such
		// as big downloads, should not keep the daemon busy answering.
		interval = min(interval*5/4, a.pollMax)
	}
}

func interrupted(id string) error {
	return fmt.Errorf("interrupted; change %s goes on in the background: follow it with \"snap tasks %s\" or stop it with \"snap abort %s\"", id, id, id)
}

// changeError is nil for a change that did all it had to.
func changeError(chg *client.Change) error {
	switch {
	case chg.Err != "":
		return errors.New(chg.Err)
	case chg.Status != client.StatusDone:
		return fmt.Errorf("change %s finished with status %q and no error message; \"snap tasks %s\" shows its tasks", chg.ID, chg.Status, chg.ID)
	}
	return nil
}
