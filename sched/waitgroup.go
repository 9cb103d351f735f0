package sched

import (
	"strconv"
	"sync/atomic"
	"unsafe"
)

// WaitGroup waits for a collection of goroutines to finish, like
// sync.WaitGroup. Add, Done and Wait are scheduling points in a controlled
// run, where a goroutine in Wait is not runnable until the counter reaches
// zero, and Go starts a managed goroutine. The zero value is an empty
// group. It must not be copied after first use.
//
// Its counter is the same word in and outside controlled runs, so a group
// may be filled outside a run (in a constructor, say) and waited for
// inside. Outside, Wait blocks on a channel, so inside a testing/synctest
// bubble a goroutine waiting for it is durably blocked.
type WaitGroup struct {
	_     noCopy
	state atomic.Uint64 // high 32 bits: the counter; low 32: waiters outside controlled runs
	sema  sema
}

// Add adds delta, which may be negative, to the counter. If the counter
// becomes zero, every goroutine blocked in Wait is released. If it goes
// negative, Add panics. Calls with a positive delta that start from a
// zero counter must happen before Wait.
func (wg *WaitGroup) Add(delta int) {
	if s := controlled(); s != nil {
		wg.addCtl(s, delta, "Add")
		return
	}
	wg.add(delta)
}

// Done decrements the counter by one.
func (wg *WaitGroup) Done() {
	if s := controlled(); s != nil {
		wg.addCtl(s, -1, "Done")
		return
	}
	wg.add(-1)
}

// Go calls f in a new goroutine (managed, in a controlled run: see [Go])
// and adds that task to the group. When f returns, the task is removed.
// The function f must not panic.
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	Go(func() {
		defer wg.Done()
		f()
	})
}

// Wait blocks until the counter is zero.
func (wg *WaitGroup) Wait() {
	if s := controlled(); s != nil {
		wg.waitCtl(s)
		return
	}
	for {
		state := wg.state.Load()
		if int32(state>>32) == 0 {
			return
		}
		if wg.state.CompareAndSwap(state, state+1) {
			wg.sema.acquire()
			if wg.state.Load() != 0 {
				panic("sync: WaitGroup is reused before previous Wait has returned")
			}
			return
		}
	}
}

// add is sync.WaitGroup.Add's algorithm.
func (wg *WaitGroup) add(delta int) {
	state := wg.state.Add(uint64(delta) << 32)
	v, w := int32(state>>32), uint32(state)
	if v < 0 {
		panic("sync: negative WaitGroup counter")
	}
	if w != 0 && delta > 0 && v == int32(delta) {
		panic("sync: WaitGroup misuse: Add called concurrently with Wait")
	}
	if v > 0 || w == 0 {
		return
	}
	if wg.state.Load() != state {
		panic("sync: WaitGroup misuse: Add called concurrently with Wait")
	}
	wg.state.Store(0)
	for ; w != 0; w-- {
		wg.sema.release()
	}
}

// In a controlled run, waiters are the scheduler's blocked threads, not
// counted in the state word; a counter reaching zero releases them all.

func (wg *WaitGroup) addCtl(s *scheduler, delta int, op string) {
	t := s.point()
	if t == nil {
		wg.state.Add(uint64(delta) << 32)
		return
	}
	v := s.varOf(unsafe.Pointer(wg))
	state := wg.state.Add(uint64(delta) << 32)
	n := int32(state >> 32)
	if n < 0 {
		panic("sync: negative WaitGroup counter")
	}
	s.mu.Lock()
	if delta > 0 && n == int32(delta) && s.waitingLocked(unsafe.Pointer(wg)) {
		s.mu.Unlock()
		panic("sync: WaitGroup misuse: Add called concurrently with Wait")
	}
	if n == 0 {
		s.wakeLocked(unsafe.Pointer(wg), -1)
	}
	s.mu.Unlock()
	s.record(t, Event{Kind: KindOp, Var: v, Text: op, Old: strconv.Itoa(int(n) - delta), New: strconv.Itoa(int(n))})
}

func (wg *WaitGroup) waitCtl(s *scheduler) {
	t := s.point()
	if t == nil {
		return
	}
	v := s.varOf(unsafe.Pointer(wg))
	if wg.state.Load()>>32 != 0 && s.block(t, unsafe.Pointer(wg), Event{Kind: KindBlock, Var: v, Text: "Wait"}, nil) == nil {
		return
	}
	s.record(t, Event{Kind: KindOp, Var: v, Text: "Wait"})
}
