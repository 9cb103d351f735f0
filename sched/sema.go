package sched

import "sync/atomic"

// sema is a semaphore for the primitives outside controlled runs, in the
// role of the runtime semaphores under sync's RWMutex and WaitGroup: a
// goroutine that has committed to wait (counted itself a waiter in the
// primitive's state) acquires it, and whoever must let it go releases it.
// It is a channel, so inside a testing/synctest bubble a goroutine waiting
// on it is durably blocked. A release may wait for the goroutine it lets
// go to reach its acquire, which it does without waiting for anything
// else. The channel belongs to the bubble of its first use.
type sema struct {
	ch atomic.Pointer[chan struct{}]
}

func (s *sema) channel() chan struct{} {
	if p := s.ch.Load(); p != nil {
		return *p
	}
	c := make(chan struct{}, 1)
	if s.ch.CompareAndSwap(nil, &c) {
		return c
	}
	return *s.ch.Load()
}

func (s *sema) acquire() { <-s.channel() }

func (s *sema) release() { s.channel() <- struct{}{} }
