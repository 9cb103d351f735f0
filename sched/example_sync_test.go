package sched_test

import (
	"fmt"

	"github.com/interleave-go/interleave/sched"
)

// Code written against sync, with the qualifier swapped for sched, is
// explored schedule by schedule: here a check-then-act under a read lock
// initializes twice, and the first schedule that shows it is printed.
func Example_checkThenAct() {
	type cache struct {
		mu    sched.RWMutex // was sync.RWMutex
		m     map[string]int
		inits int
	}
	get := func(c *cache) {
		c.mu.RLock()
		_, ok := c.m["k"]
		c.mu.RUnlock()
		if !ok { // another goroutine may have filled it since
			c.mu.Lock()
			c.m = map[string]int{"k": 1}
			c.inits++
			c.mu.Unlock()
		}
	}
	var c *cache
	sched.Explore(sched.Config{}, 1, func() [][]func() {
		c = new(cache)
		return [][]func(){{func() { get(c) }, func() { get(c) }}}
	}, func(e *sched.Execution) bool {
		if c.inits < 2 {
			return true
		}
		for _, ev := range e.Events {
			fmt.Printf("thread %d: %s\n", ev.Thread, ev.Action())
		}
		return false
	})
	// Output:
	// thread 0: RLock m1
	// thread 0: RUnlock m1
	// thread 1: RLock m1
	// thread 1: RUnlock m1
	// thread 1: Lock m1
	// thread 1: Unlock m1
	// thread 0: Lock m1
	// thread 0: Unlock m1
}
