// Package crossing waits on ctx.Done(), a channel made by the context
// package: interleave test makes the call sched.Done(ctx), a sched.Chan,
// and instruments the package. (testdata/notify holds a channel that
// still crosses into code that is not rewritten.)
package crossing

import "context"

// Wait returns v unless ctx is done first.
func Wait(ctx context.Context, v chan int) (int, bool) {
	select {
	case <-ctx.Done():
		return 0, false
	case x := <-v:
		return x, true
	}
}
