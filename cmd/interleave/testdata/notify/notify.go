// Package notify hands a channel to os/signal, which is not rewritten:
// the channel cannot become a sched.Chan, so interleave test leaves the
// package to stress mode and says where.
package notify

import (
	"context"
	"os"
	"os/signal"
)

// Interrupted waits for an interrupt until ctx is done, and reports
// whether one came.
func Interrupted(ctx context.Context) bool {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	defer signal.Stop(c)
	select {
	case <-c:
		return true
	case <-ctx.Done():
		return false
	}
}
