package sched_test

import (
	"sync"
	"testing"
	"testing/synctest"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/sched"
)

// TestOutsideRunsConcurrently uses each blocking primitive from real
// goroutines outside any controlled run (run it with -race too), plain
// and under stress perturbation.
func TestOutsideRunsConcurrently(t *testing.T) {
	t.Run("plain", outsideConcurrently)
	t.Run("perturbed", func(t *testing.T) {
		defer schedhook.Perturb(1, 300)()
		outsideConcurrently(t)
	})
}

func outsideConcurrently(t *testing.T) {
	const workers, rounds = 8, 200
	var mu sched.RWMutex
	var wg sched.WaitGroup
	n := 0
	var torn sched.Bool
	for range workers {
		wg.Go(func() {
			for range rounds {
				mu.Lock()
				n++
				n++
				mu.Unlock()
				mu.RLock()
				if n%2 != 0 {
					torn.Store(true)
				}
				mu.RUnlock()
			}
		})
	}
	wg.Wait()
	mu.RLock()
	defer mu.RUnlock()
	if n != 2*workers*rounds || torn.Load() {
		t.Fatalf("n = %d (torn %v), want %d", n, torn.Load(), 2*workers*rounds)
	}

	var cmu sched.Mutex
	c := sched.NewCond(&cmu)
	queue, got := 0, 0
	var consumers sync.WaitGroup
	for range workers {
		consumers.Go(func() {
			cmu.Lock()
			defer cmu.Unlock()
			for queue == 0 {
				c.Wait()
			}
			queue--
			got++
		})
	}
	for range workers {
		cmu.Lock()
		queue++
		c.Signal()
		cmu.Unlock()
	}
	consumers.Wait()
	if got != workers {
		t.Fatalf("got %d, want %d", got, workers)
	}
}

// TestDurableInBubbles: outside controlled runs, a goroutine waiting on a
// blocking primitive is durably blocked in a testing/synctest bubble, so
// synctest.Wait returns (it would wait forever on a sync.RWMutex).
func TestDurableInBubbles(t *testing.T) {
	for _, tc := range []struct {
		name string
		hold func() (wait, release func())
	}{
		{"RWMutex reader", func() (func(), func()) {
			var mu sched.RWMutex
			mu.Lock()
			return func() { mu.RLock(); mu.RUnlock() }, mu.Unlock
		}},
		{"RWMutex writer", func() (func(), func()) {
			var mu sched.RWMutex
			mu.RLock()
			return func() { mu.Lock(); mu.Unlock() }, mu.RUnlock
		}},
		{"WaitGroup", func() (func(), func()) {
			var wg sched.WaitGroup
			wg.Add(1)
			return wg.Wait, wg.Done
		}},
		{"Cond", func() (func(), func()) {
			var mu sched.Mutex
			c := sched.NewCond(&mu)
			signalled := false
			return func() {
					mu.Lock()
					for !signalled {
						c.Wait()
					}
					mu.Unlock()
				}, func() {
					mu.Lock()
					signalled = true
					c.Broadcast()
					mu.Unlock()
				}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				wait, release := tc.hold()
				done := false
				go func() { wait(); done = true }()
				synctest.Wait() // the waiter is durably blocked
				if done {
					t.Fatal("did not wait")
				}
				release()
				synctest.Wait()
				if !done {
					t.Fatal("not released")
				}
			})
		})
	}
}
