package sched

import (
	"slices"
	"sync"
	"unsafe"
)

// Cond is a condition variable, like sync.Cond: a rendezvous point for
// goroutines waiting for or announcing an event. Wait, Signal and
// Broadcast are scheduling points in a controlled run, where a goroutine
// in Wait is not runnable until it is signalled; a Wait nobody signals
// then ends the run as a deadlock. Signal wakes the goroutine that has
// waited longest. A Cond must not be copied after first use.
//
// Outside a controlled run each waiter blocks on a channel of its own, so
// inside a testing/synctest bubble a goroutine in Wait is durably blocked.
type Cond struct {
	_ noCopy
	// L is held while observing or changing the condition.
	L Locker

	mu      sync.Mutex      // guards waiting; never held while blocking
	waiting []chan struct{} // outside controlled runs, oldest first
	run     *condRun        // in a controlled run, guarded by its mu
}

// condRun is a Cond's waiters in one controlled run, oldest first. A
// thread leaves the list when it is signalled, which may be before it has
// blocked (between its Wait's unlocking L and blocking).
type condRun struct {
	s       *scheduler
	waiting []*thread
}

// NewCond returns a new Cond with Locker l.
func NewCond(l Locker) *Cond { return &Cond{L: l} }

// Wait atomically unlocks c.L and suspends the calling goroutine; after
// it is woken by Signal or Broadcast, Wait locks c.L before returning. As
// with sync.Cond, the caller should check its condition in a loop.
func (c *Cond) Wait() {
	s := controlled()
	if s == nil {
		ch := make(chan struct{})
		c.mu.Lock()
		c.waiting = append(c.waiting, ch)
		c.mu.Unlock()
		c.L.Unlock()
		<-ch
		c.L.Lock()
		return
	}
	t := s.pointAt(Access{Wait: true})
	if t == nil {
		c.L.Unlock()
		c.L.Lock()
		return
	}
	v := s.varOf(unsafe.Pointer(c))
	s.mu.Lock()
	r := c.runOf(s)
	r.waiting = append(r.waiting, t)
	s.mu.Unlock()
	s.record(t, Event{Kind: KindOp, Var: v, Text: "Wait"})
	c.L.Unlock()
	waiting := func() bool { return slices.Contains(r.waiting, t) }
	if s.block(t, unsafe.Pointer(c), Event{Kind: KindBlock, Var: v, Text: "Wait"}, waiting) == nil {
		return
	}
	c.L.Lock()
}

// Signal wakes the goroutine that has waited longest on c, if there is
// any. The caller may but need not hold c.L.
func (c *Cond) Signal() { c.wake("Signal", 1) }

// Broadcast wakes all goroutines waiting on c. The caller may but need
// not hold c.L.
func (c *Cond) Broadcast() { c.wake("Broadcast", -1) }

// wake wakes up to n waiters (all if n < 0), oldest first.
func (c *Cond) wake(op string, n int) {
	s := controlled()
	if s == nil {
		c.mu.Lock()
		if n < 0 || n > len(c.waiting) {
			n = len(c.waiting)
		}
		for _, ch := range c.waiting[:n] {
			close(ch)
		}
		c.waiting = c.waiting[n:]
		c.mu.Unlock()
		return
	}
	t := s.point()
	if t == nil {
		return
	}
	v := s.varOf(unsafe.Pointer(c))
	s.mu.Lock()
	r := c.runOf(s)
	if n < 0 || n > len(r.waiting) {
		n = len(r.waiting)
	}
	for _, w := range r.waiting[:n] {
		s.wakeUpLocked(w, unsafe.Pointer(c))
	}
	r.waiting = r.waiting[n:]
	s.mu.Unlock()
	s.record(t, Event{Kind: KindOp, Var: v, Text: op})
}

// runOf returns c's waiters in the run of s, forgetting those of an
// earlier run. Called with s.mu held.
func (c *Cond) runOf(s *scheduler) *condRun {
	if c.run == nil || c.run.s != s {
		c.run = &condRun{s: s}
	}
	return c.run
}
