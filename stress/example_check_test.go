package stress_test

import (
	"testing"

	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// firstOf returns the result of whichever work ends first, each run in a
// goroutine of its own. The channel has room for every result, so the
// goroutines that lose do not block forever (with an unbuffered channel,
// Check reports them as stuck, with the line of their send).
func firstOf(works ...func() int) int {
	res := sched.MakeChan[int](len(works))
	for _, w := range works {
		sched.Go(func() { res.Send(w()) })
	}
	return res.Recv()
}

// firstOfBody is an ordinary test body: it starts goroutines, waits on a
// channel, and says what it expects with t.Errorf.
func firstOfBody(t *stress.T) {
	got := firstOf(func() int { return 1 }, func() int { return 2 })
	if got != 1 && got != 2 {
		t.Errorf("firstOf = %d, want 1 or 2", got)
	}
}

// To explore a concurrent test body, call Check with it: built on package
// sched, as firstOf is, it runs under controlled scheduling, and every
// goroutine blocked forever, panic, hang or failed t.Errorf is reported
// with the interleaving that caused it.
func ExampleCheck() {
	// In first_test.go:
	//
	//	func TestFirstOf(t *testing.T) {
	//		stress.Check(t, func(t *stress.T) {
	//			got := firstOf(func() int { return 1 }, func() int { return 2 })
	//			if got != 1 && got != 2 {
	//				t.Errorf("firstOf = %d, want 1 or 2", got)
	//			}
	//		})
	//	}
	_ = firstOfBody
}

// TestFirstOf is ExampleCheck, run.
func TestFirstOf(t *testing.T) {
	stress.Check(t, firstOfBody, stress.WithSeed(1), stress.WithChecks(500))
}
