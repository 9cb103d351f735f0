package sched

import "unsafe"

// Mutex is a mutual exclusion lock whose Lock and Unlock are scheduling
// points in a controlled run, where a goroutine waiting for it is not
// runnable. The zero value is unlocked. It must not be copied after first
// use, and must not be locked in one mode (controlled run or not) and
// unlocked in the other.
//
// Outside a controlled run it blocks on a channel: inside a
// testing/synctest bubble a goroutine waiting for it is durably blocked,
// so fake time goes on (a goroutine waiting for a sync.Mutex is not, and
// the bubble stalls). Its channel belongs to the bubble of its first use.
type Mutex struct {
	_    noCopy
	sem  sema
	held bool // in a controlled run, guarded by the scheduler
}

// Lock locks m, waiting until it is free.
func (m *Mutex) Lock() {
	if active.Load() != nil {
		m.lockSlow()
		return
	}
	m.sem.channel() <- struct{}{}
}

// TryLock locks m if it is free and reports whether it did.
func (m *Mutex) TryLock() bool {
	if s := active.Load(); s != nil && !s.perturb {
		t := s.pointAt(m.access())
		if t == nil {
			return true
		}
		s.mu.Lock()
		ok := !m.held
		m.held = true
		s.mu.Unlock()
		kind := KindLock
		if !ok {
			kind = KindBlock
		}
		s.record(t, Event{Kind: kind, Var: s.varOf(unsafe.Pointer(m)), Text: "try", OK: ok})
		return ok
	}
	select {
	case m.sem.channel() <- struct{}{}:
		return true
	default:
		return false
	}
}

// Unlock unlocks m. It panics if m is not locked.
func (m *Mutex) Unlock() {
	if active.Load() != nil {
		m.unlockSlow()
		return
	}
	m.release()
}

func (m *Mutex) release() {
	select {
	case <-m.sem.channel():
	default:
		panic("sched: unlock of unlocked Mutex")
	}
}

// access is a Lock's, TryLock's or Unlock's access, as strategies and
// the sleep-set reduction see it: a write of m. The code a thread runs
// holding m touches what m guards, which a thread that does not hold it
// does not touch in a program free of data races.
func (m *Mutex) access() Access {
	return Access{Obj: uintptr(unsafe.Pointer(m)), Write: true, Lock: true}
}

func (m *Mutex) lockSlow() {
	s := active.Load()
	if s == nil || s.perturb {
		if s != nil {
			s.maybeYield()
		}
		m.sem.channel() <- struct{}{}
		return
	}
	for {
		t := s.pointAt(m.access())
		if t == nil {
			return // the run is over: pass through
		}
		s.mu.Lock()
		if !m.held {
			m.held = true
			s.mu.Unlock()
			s.record(t, Event{Kind: KindLock, Var: s.varOf(unsafe.Pointer(m))})
			return
		}
		s.mu.Unlock()
		v := s.varOf(unsafe.Pointer(m))
		if s.block(t, unsafe.Pointer(m), Event{Kind: KindBlock, Var: v}, nil) == nil {
			return
		}
	}
}

func (m *Mutex) unlockSlow() {
	s := active.Load()
	if s == nil || s.perturb {
		if s != nil {
			s.maybeYield()
		}
		m.release()
		return
	}
	t := s.pointAt(m.access())
	if t == nil {
		return
	}
	s.mu.Lock()
	if !m.held {
		s.mu.Unlock()
		panic("sched: unlock of unlocked Mutex")
	}
	m.held = false
	s.wakeLockersLocked(unsafe.Pointer(m), -1) // they retry
	s.mu.Unlock()
	s.record(t, Event{Kind: KindUnlock, Var: s.varOf(unsafe.Pointer(m))})
}
