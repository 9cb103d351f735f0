package sched

import "unsafe"

// Blocking in a controlled run. A thread that must wait blocks on a wait
// queue, named by an address (a primitive, or a field of one that has
// several queues), and is not runnable until a wake on that queue makes it
// so; the primitive decides whether a woken thread has been handed what it
// waited for (a Cond's signal, a WaitGroup reaching zero, the read lock an
// RWMutex's Unlock grants) or must check again (a Mutex: every waiter
// retries, as with sync.Mutex, where any may win).
//
// The hand-off protocol stays that of the scheduler: only the thread
// holding the processor changes the primitives' state, under s.mu, so no
// wake can come between a thread's decision to block and its blocking.

// block parks t on the queue key until a wake there makes it runnable and
// the strategy picks it again; it records e (a KindBlock event on the
// variable the thread waits for) first. If cond is not nil, it is checked
// under s.mu first and t blocks only if it holds. block returns t, holding
// the processor, or nil if the run ended meanwhile; if no thread can run,
// the run ends as a deadlock.
func (s *scheduler) block(t *thread, key unsafe.Pointer, e Event, cond func() bool) *thread {
	if cond != nil {
		s.mu.Lock()
		ok := cond()
		s.mu.Unlock()
		if !ok {
			return t
		}
	}
	s.record(t, e)
	s.mu.Lock()
	if s.released {
		s.mu.Unlock()
		return nil
	}
	s.waitSeq++
	t.state, t.blockedOn, t.blockedV, t.waitSeq = blocked, key, e.Var, s.waitSeq
	next := s.choose(nil)
	if next == nil {
		next = s.fireTimersLocked() // vtime: time moves
	}
	if next == nil {
		s.endLocked(Deadlocked)
		return s.abandonUnlock(t)
	}
	s.handTo(next)
	t.parked = true
	wake := t.wake
	s.mu.Unlock()
	return s.park(t, wake)
}

// wakeLocked makes runnable up to n threads blocked on the queue key (all
// of them if n < 0), the longest waiting first, and returns how many it
// woke, each named in the next Decision.Woken (wakeUpLocked). Called with
// mu held.
func (s *scheduler) wakeLocked(key unsafe.Pointer, n int) int {
	return s.wakeQueueLocked(key, n, true)
}

// wakeLockersLocked is wakeLocked for the threads waiting to lock a
// Mutex or RWMutex: they are left out of Decision.Woken, since a lock
// handed on ends no state its holder left half done (window.go).
func (s *scheduler) wakeLockersLocked(key unsafe.Pointer, n int) int {
	return s.wakeQueueLocked(key, n, false)
}

// wakeQueueLocked is wakeLocked, naming the threads woken in
// Decision.Woken only if woken.
func (s *scheduler) wakeQueueLocked(key unsafe.Pointer, n int, woken bool) int {
	if s.released {
		return 0
	}
	count := 0
	for n < 0 || count < n {
		var first *thread
		for _, t := range s.threads {
			if t == nil {
				continue // a phase that has not started
			}
			if t.state == blocked && t.blockedOn == key && (first == nil || t.waitSeq < first.waitSeq) {
				first = t
			}
		}
		if first == nil {
			break
		}
		if woken {
			s.wakeUpLocked(first, key)
		} else {
			s.unblockLocked(first, key)
		}
		count++
	}
	return count
}

// unblockLocked makes t runnable if it is blocked on the queue key, and
// reports whether it did. Called with mu held.
func (s *scheduler) unblockLocked(t *thread, key unsafe.Pointer) bool {
	if s.released || t.state != blocked || t.blockedOn != key {
		return false
	}
	t.state, t.blockedOn, t.blockedV = runnable, nil, 0
	return true
}

// wakeUpLocked is unblockLocked for a thread that another's Signal,
// Broadcast or WaitGroup Done, or the virtual clock, wakes up: it is
// named in the next Decision.Woken. Called with mu held.
func (s *scheduler) wakeUpLocked(t *thread, key unsafe.Pointer) {
	if s.unblockLocked(t, key) && len(s.woken) < maxRan {
		s.woken = append(s.woken, t.id)
	}
}

// waitingLocked reports whether a thread is blocked on the queue key.
// Called with mu held.
func (s *scheduler) waitingLocked(key unsafe.Pointer) bool {
	if s.released {
		return false
	}
	for _, t := range s.threads {
		if t == nil {
			continue // a phase that has not started
		}
		if t.state == blocked && t.blockedOn == key {
			return true
		}
	}
	return false
}

// controlled returns the controlled run in progress, or nil outside one,
// where the primitives do what sync's do; under stress perturbation it may
// yield first.
func controlled() *scheduler {
	s := active.Load()
	if s == nil {
		return nil
	}
	if s.perturb {
		s.maybeYield()
		return nil
	}
	return s
}
