package sched_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/interleave-go/interleave/sched"
)

// TestDeadlockEndUnwindsEveryThread: a run that ends as a deadlock, with
// threads waiting in a loop around Cond.Wait and unlocking in a deferred
// call, returns, with every thread unwound. The thread that ends the run
// marks itself exiting in the same hold of the lock: it used to release
// the lock first, and a woken thread's deferred Unlock, taken for its
// point, could mark it exiting in its place; it then passed through its
// Waits for good and the run never returned. Goroutines run on two
// processors here so that the window can be hit.
func TestDeadlockEndUnwindsEveryThread(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	waiter := func(mu *sched.Mutex, c *sched.Cond) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			for { // the condition never holds
				c.Wait()
			}
		}
	}
	runs := 20000
	if testing.Short() {
		runs = 2000
	}
	done := make(chan int)
	go func() {
		deadlocks := 0
		for seed := range uint64(runs) {
			var mu sched.Mutex
			c := sched.NewCond(&mu)
			e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(seed))},
				[]func(){waiter(&mu, c), waiter(&mu, c), waiter(&mu, c), waiter(&mu, c), waiter(&mu, c)})
			if e.Outcome == sched.Deadlocked {
				deadlocks++
			}
		}
		done <- deadlocks
	}()
	select {
	case n := <-done:
		if n != runs {
			t.Fatalf("%d of %d runs deadlocked, want all", n, runs)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("a run that deadlocked did not return: a thread passes through its points instead of unwinding")
	}
}
