// Package crossing waits on a channel made by the standard library,
// which cannot become a sched.Chan: interleave test leaves it to stress
// mode and says where.
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
