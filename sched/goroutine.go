package sched

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/interleave-go/interleave/internal/schedhook"
)

// Go starts f in a new goroutine. In a controlled run the goroutine is
// managed: it runs only when the scheduler picks it, and the run does not
// end before it returns.
func Go(f func()) {
	s := active.Load()
	if s == nil || s.perturb {
		go f()
		return
	}
	t := s.point()
	if t == nil {
		go f()
		return
	}
	s.mu.Lock()
	child := s.spawn(f, len(s.threads))
	s.mu.Unlock()
	s.record(t, Event{Kind: KindGo, Text: fmt.Sprintf("thread %d", child.id)})
}

// Yield is an explicit scheduling point, labelled for the trace. Outside
// a controlled run it does nothing (or, under stress perturbation, may let
// other goroutines run).
func Yield(label string) {
	s := active.Load()
	if s == nil {
		return
	}
	if s.perturb {
		s.maybeYield()
		return
	}
	if t := s.point(); t != nil {
		s.record(t, Event{Kind: KindYield, Text: label})
	}
}

// beginOp (schedhook.BeginOp) marks, for the test harness, that the current thread calls an
// operation. It is a scheduling point, so other threads may run between two
// operations of one thread. at, if not nil, is called after the point, when
// the call really happens (to stamp the time of the call, say); describe
// is kept to describe the call if the event is ever shown. beginOp
// reports whether it did anything: outside a controlled run it does not.
func beginOp(at func(), describe func() string) bool {
	s := active.Load()
	if s == nil || s.perturb {
		return false
	}
	// A call that stamps its input (at) may read the value under test
	// outside the scheduler's view: it is not marked as a plain call.
	t := s.pointAt(Access{Call: at == nil})
	if at != nil {
		at()
	}
	if t != nil {
		s.record(t, Event{Kind: KindCall, describe: describe})
	}
	return true
}

// endOp (schedhook.EndOp) marks that the operation the current thread called returned with
// the result that describe describes. It is not a scheduling point.
func endOp(describe func() string) {
	s := active.Load()
	if s == nil || s.perturb {
		return
	}
	s.mu.Lock()
	t := s.cur
	if t != nil && t.parked {
		s.unmanagedLocked()
	}
	if t != nil && t.pending {
		t.next.Return = true // for Decision.Ran
	}
	aborted := s.aborted
	s.mu.Unlock()
	if !aborted && t != nil {
		s.record(t, Event{Kind: KindReturn, describe: describe})
	}
}

// perturb (schedhook.Perturb) makes instrumented operations outside controlled runs yield the
// processor (runtime.Gosched) with probability permille/1000, drawn from a
// sequence seeded with seed, until the returned function is called. Stress
// testing uses it to shake up real interleavings; it cannot make them
// reproducible. It waits for any controlled run to end, and Run waits for
// it to be stopped.
func perturb(seed uint64, permille int) (stop func()) {
	runMu.Lock()
	s := &scheduler{mu: new(sync.Mutex), perturb: true, seed: seed, permil: uint64(max(permille, 0))}
	activate(s)
	var once sync.Once
	return func() {
		once.Do(func() {
			activate(nil)
			runMu.Unlock()
		})
	}
}

func (s *scheduler) maybeYield() {
	if s.permil == 0 {
		return
	}
	if splitmix(s.seed+s.count.Add(1))%1000 < s.permil {
		runtime.Gosched()
	}
}

// splitmix is the SplitMix64 finalizer: a cheap, well-mixed hash of a
// counter, good enough to decide when to yield.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func init() {
	schedhook.BeginOp, schedhook.EndOp, schedhook.Perturb = beginOp, endOp, perturb
}
