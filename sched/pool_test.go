package sched_test

import (
	"runtime"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestWorkersReused: threads run on pooled goroutines, so that many runs,
// among them runs whose threads unwind with runtime.Goexit (a panic
// ends the run and aborts the others; a deadlock aborts all), leave the
// goroutine count bounded, and every run still completes as it should.
func TestWorkersReused(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 300 {
		c := new(lostUpdate)
		switch i % 3 {
		case 0:
			if e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(uint64(i)))}, incTwice(c)...); e.Outcome != sched.Completed {
				t.Fatalf("run %d: %v", i, e.Outcome)
			}
		case 1:
			e := sched.Execute(sched.Config{}, []func(){func() { c.inc(); panic("boom") }, c.inc, c.inc})
			if e.Outcome != sched.Panicked {
				t.Fatalf("run %d: %v, want a panic", i, e.Outcome)
			}
		case 2:
			var m sched.Mutex
			e := sched.Execute(sched.Config{}, []func(){func() { m.Lock(); m.Lock() }, c.inc})
			if e.Outcome != sched.Deadlocked {
				t.Fatalf("run %d: %v, want a deadlock", i, e.Outcome)
			}
		}
	}
	// Idle workers are kept up to a bound (64); a goroutine per thread
	// per run would be 700 more, had they not exited.
	if after := runtime.NumGoroutine(); after > before+64 {
		t.Fatalf("%d goroutines after 300 runs, %d before", after, before)
	}
}
