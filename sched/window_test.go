package sched_test

import (
	"testing"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/sched"
)

// TestCountWindows: a window is before a thread's write of a variable it
// has read since it last wrote it, or has written already in the same
// operation (here, with no operation marked, the whole thread); a Load,
// or a write of a variable neither read since nor written, is none.
func TestCountWindows(t *testing.T) {
	var x, y, other sched.Int64
	n := 0
	s := sched.CountWindows(sched.NewReplay(nil), &n)
	e := sched.Execute(sched.Config{Strategy: s}, [][]func(){{
		func() {
			y.Store(1)                    // none: y not read nor written
			x.Store(x.Load())             // the Load: none; the Store: a window
			x.Add(1)                      // a window: x written already
			y.CompareAndSwap(y.Load(), 2) // a window
		},
		func() { other.Load() }, // runnable all along, run at the end
	}}...)
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if n != 3 {
		t.Fatalf("%d windows, want 3", n)
	}
}

// TestCountWindowsInOperations: a second write of a variable is a window
// only within one operation of the scenario (between its call and its
// return), and a Mutex's Unlock after its Lock is none.
func TestCountWindowsInOperations(t *testing.T) {
	var x, other sched.Int64
	var mu sched.Mutex
	op := func(body func()) {
		schedhook.BeginOp(nil, nil)
		body()
		schedhook.EndOp(nil)
	}
	n := 0
	s := sched.CountWindows(sched.NewReplay(nil), &n)
	e := sched.Execute(sched.Config{Strategy: s}, [][]func(){{
		func() {
			op(func() { x.Add(-1); x.Add(1) }) // the second Add: a window
			op(func() { x.Add(1) })            // none: written by the operation before
			op(func() { mu.Lock(); mu.Unlock() })
		},
		func() { op(func() { other.Load() }) },
	}}...)
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if n != 1 {
		t.Fatalf("%d windows, want 1", n)
	}
}

// TestWindowPCTSeesHalfDoneUpdates: a thread that moves a unit out of x
// and back into it under a lock, while another reads x without it, is
// seen half done by window-pct (with one window per execution, as the
// search would measure) in at least a quarter of 50 executions: the
// change point falls at the second write. Were that write no window, the
// executions on windows would have no change point and only the random
// walks and PCT over the steps would see it (3 of these 50).
func TestWindowPCTSeesHalfDoneUpdates(t *testing.T) {
	seen := 0
	for seed := range uint64(50) {
		var x sched.Int64
		var mu sched.Mutex
		var got int64
		e := sched.Execute(sched.Config{Strategy: sched.NewWindowPCT(sched.NewSource(seed), 2, 12, 1), ChoicesOnly: true}, []func(){
			func() { mu.Lock(); x.Add(-1); x.Add(1); mu.Unlock() },
			func() { got = x.Load() },
		})
		if e.Outcome != sched.Completed {
			t.Fatalf("seed %d: %v", seed, e.Outcome)
		}
		if got != 0 {
			seen++
		}
	}
	if seen*4 < 50 {
		t.Fatalf("%d of 50 executions read x half done, want at least a quarter", seen)
	}
}
