package sched

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Locker represents an object that can be locked and unlocked: the
// sync.Locker interface, which Mutex, RWMutex and RWMutex.RLocker satisfy.
type Locker = sync.Locker

const rwmutexMaxReaders = 1 << 30

// RWMutex is a reader/writer mutual exclusion lock, like sync.RWMutex:
// any number of readers or a single writer, and a blocked Lock call keeps
// new readers out until it has acquired and released the lock. Its
// operations are scheduling points in a controlled run, where a goroutine
// waiting for it is not runnable. The zero value is unlocked. It must not
// be copied after first use, and must not be locked in one mode
// (controlled run or not) and unlocked in the other.
//
// Outside a controlled run it is sync.RWMutex's algorithm over channels,
// so that inside a testing/synctest bubble a goroutine waiting for it is
// durably blocked.
type RWMutex struct {
	_           noCopy
	w           Mutex // held by the writer, pending or active
	writerSem   sema  // the pending writer waits here for the readers to leave
	readerSem   sema  // readers wait here for the writer to leave
	readerCount atomic.Int32
	readerWait  atomic.Int32
	// In a controlled run, guarded by the scheduler: a writer holds the
	// lock or waits for the readers to leave; readers holding it.
	held    bool
	readers int
}

// RLock locks rw for reading. It must not be used for recursive read
// locking: a blocked Lock call keeps new readers out.
func (rw *RWMutex) RLock() {
	if s := controlled(); s != nil {
		rw.rlockCtl(s)
		return
	}
	if rw.readerCount.Add(1) < 0 {
		rw.readerSem.acquire() // a writer is pending
	}
}

// TryRLock tries to lock rw for reading and reports whether it succeeded.
func (rw *RWMutex) TryRLock() bool {
	if s := controlled(); s != nil {
		return rw.tryCtl(s, true)
	}
	for {
		c := rw.readerCount.Load()
		if c < 0 {
			return false
		}
		if rw.readerCount.CompareAndSwap(c, c+1) {
			return true
		}
	}
}

// RUnlock undoes a single RLock call. It panics if rw is not locked for
// reading.
func (rw *RWMutex) RUnlock() {
	if s := controlled(); s != nil {
		rw.runlockCtl(s)
		return
	}
	if r := rw.readerCount.Add(-1); r < 0 {
		if r+1 == 0 || r+1 == -rwmutexMaxReaders {
			panic("sync: RUnlock of unlocked RWMutex")
		}
		if rw.readerWait.Add(-1) == 0 {
			rw.writerSem.release() // the last reader lets the writer in
		}
	}
}

// Lock locks rw for writing, waiting until no reader or writer holds it.
func (rw *RWMutex) Lock() {
	if s := controlled(); s != nil {
		rw.lockCtl(s)
		return
	}
	rw.w.Lock()
	// Announce the writer to the readers, and wait for those inside.
	r := rw.readerCount.Add(-rwmutexMaxReaders) + rwmutexMaxReaders
	if r != 0 && rw.readerWait.Add(r) != 0 {
		rw.writerSem.acquire()
	}
}

// TryLock tries to lock rw for writing and reports whether it succeeded.
func (rw *RWMutex) TryLock() bool {
	if s := controlled(); s != nil {
		return rw.tryCtl(s, false)
	}
	if !rw.w.TryLock() {
		return false
	}
	if !rw.readerCount.CompareAndSwap(0, -rwmutexMaxReaders) {
		rw.w.Unlock()
		return false
	}
	return true
}

// Unlock unlocks rw for writing. It panics if rw is not locked for
// writing.
func (rw *RWMutex) Unlock() {
	if s := controlled(); s != nil {
		rw.unlockCtl(s)
		return
	}
	r := rw.readerCount.Add(rwmutexMaxReaders)
	if r >= rwmutexMaxReaders {
		panic("sync: Unlock of unlocked RWMutex")
	}
	for range r { // let in the readers that came meanwhile
		rw.readerSem.release()
	}
	rw.w.Unlock()
}

// RLocker returns a Locker that locks and unlocks rw for reading.
func (rw *RWMutex) RLocker() Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (r *rlocker) Lock()   { (*RWMutex)(r).RLock() }
func (r *rlocker) Unlock() { (*RWMutex)(r).RUnlock() }

// In a controlled run: writers wait for the lock on &rw.w and retry, as
// with a Mutex; the writer that holds it waits for the readers inside on
// &rw.writerSem, and the last one out hands it the lock; readers that come
// while a writer holds the lock or waits wait on &rw.readerSem, and the
// writer's Unlock lets them all in, before any other writer, as
// sync.RWMutex does.

func (rw *RWMutex) lockCtl(s *scheduler) {
	for {
		t := s.point()
		if t == nil {
			return
		}
		v := s.varOf(unsafe.Pointer(rw))
		s.mu.Lock()
		if rw.held {
			s.mu.Unlock()
			if s.block(t, unsafe.Pointer(&rw.w), Event{Kind: KindBlock, Var: v}, nil) == nil {
				return
			}
			continue
		}
		rw.held = true
		readers := rw.readers
		s.mu.Unlock()
		if readers > 0 && s.block(t, unsafe.Pointer(&rw.writerSem), Event{Kind: KindBlock, Var: v}, nil) == nil {
			return
		}
		s.record(t, Event{Kind: KindLock, Var: v})
		return
	}
}

func (rw *RWMutex) unlockCtl(s *scheduler) {
	t := s.point()
	if t == nil {
		return
	}
	v := s.varOf(unsafe.Pointer(rw))
	s.mu.Lock()
	if !rw.held || rw.readers > 0 {
		s.mu.Unlock()
		panic("sync: Unlock of unlocked RWMutex")
	}
	rw.readers += s.wakeLockersLocked(unsafe.Pointer(&rw.readerSem), -1)
	rw.held = false
	s.wakeLockersLocked(unsafe.Pointer(&rw.w), -1)
	s.mu.Unlock()
	s.record(t, Event{Kind: KindUnlock, Var: v})
}

func (rw *RWMutex) rlockCtl(s *scheduler) {
	t := s.point()
	if t == nil {
		return
	}
	v := s.varOf(unsafe.Pointer(rw))
	s.mu.Lock()
	held := rw.held
	if !held {
		rw.readers++
	}
	s.mu.Unlock()
	if held && s.block(t, unsafe.Pointer(&rw.readerSem), Event{Kind: KindBlock, Var: v, Text: "RLock"}, nil) == nil {
		return
	}
	s.record(t, Event{Kind: KindRLock, Var: v})
}

func (rw *RWMutex) runlockCtl(s *scheduler) {
	t := s.point()
	if t == nil {
		return
	}
	v := s.varOf(unsafe.Pointer(rw))
	s.mu.Lock()
	if rw.readers == 0 {
		s.mu.Unlock()
		panic("sync: RUnlock of unlocked RWMutex")
	}
	rw.readers--
	if rw.readers == 0 && rw.held {
		s.wakeLockersLocked(unsafe.Pointer(&rw.writerSem), 1)
	}
	s.mu.Unlock()
	s.record(t, Event{Kind: KindRUnlock, Var: v})
}

// tryCtl is TryRLock (read) or TryLock in a controlled run. A failure is
// recorded as a KindBlock event that did not block, as for Mutex.TryLock.
func (rw *RWMutex) tryCtl(s *scheduler, read bool) bool {
	t := s.point()
	if t == nil {
		return true
	}
	v := s.varOf(unsafe.Pointer(rw))
	s.mu.Lock()
	ok := !rw.held && (read || rw.readers == 0)
	switch {
	case ok && read:
		rw.readers++
	case ok:
		rw.held = true
	}
	s.mu.Unlock()
	e := Event{Kind: KindLock, Var: v, Text: "try", OK: ok}
	if read {
		e.Kind = KindRLock
	}
	if !ok {
		e.Kind = KindBlock
		if read {
			e.Text = "TryRLock"
		}
	}
	s.record(t, e)
	return ok
}
