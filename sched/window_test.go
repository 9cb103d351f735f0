package sched_test

import (
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestCountWindows: a window is before a thread's write of a variable it
// has read since it last wrote it; a Load, or a write of a variable not
// read since, is none.
func TestCountWindows(t *testing.T) {
	var x, y, other sched.Int64
	n := 0
	s := sched.CountWindows(sched.NewReplay(nil), &n)
	e := sched.Execute(sched.Config{Strategy: s}, [][]func(){{
		func() {
			y.Store(1)                    // none: y not read
			x.Store(x.Load())             // the Load: none; the Store: a window
			x.Add(1)                      // none: x not read since it was written
			y.CompareAndSwap(y.Load(), 2) // a window
		},
		func() { other.Load() }, // runnable all along, run at the end
	}}...)
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if n != 2 {
		t.Fatalf("%d windows, want 2", n)
	}
}
