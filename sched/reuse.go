package sched

import (
	"context"
	"runtime/pprof"
	"sync"
	"unsafe"
)

// What a run reuses of the runs before it: buffers (scratch, R13) and
// the goroutines its threads run on (workers).

// scratch holds the buffers of a run that no caller sees, for the next
// run to reuse: runs are serialized by runMu.
type scratch struct {
	vars, ptrs map[unsafe.Pointer]int
	ids, woken []int
	pend, ran  []Access
	last       []lastAccess
	orderSet   map[Order]struct{}
	orderKeys  map[uint64]struct{}
	orders     []Order
	threads    []*thread
	phaseBase  []int
	free       []*thread // thread structs, reused from the first
	mu         *sync.Mutex
}

var spare scratch

// take gives s the spare buffers, emptied, or new ones. Called with runMu
// held.
func (sp *scratch) take(s *scheduler) {
	if sp.vars == nil {
		s.mu = new(sync.Mutex)
		s.vars, s.ptrs, s.orderSet, s.orderKeys = map[unsafe.Pointer]int{}, map[unsafe.Pointer]int{}, map[Order]struct{}{}, map[uint64]struct{}{}
		s.ids, s.pend, s.ran, s.woken = make([]int, 0, 8), make([]Access, 0, 8), make([]Access, 0, 16), make([]int, 0, 8)
		return
	}
	clear(sp.vars)
	clear(sp.ptrs)
	clear(sp.orderSet)
	clear(sp.orderKeys)
	clear(sp.last)
	clear(sp.threads)
	s.vars, s.ptrs, s.orderSet, s.orderKeys = sp.vars, sp.ptrs, sp.orderSet, sp.orderKeys
	s.ids, s.pend, s.ran, s.woken, s.last, s.orders = sp.ids[:0], sp.pend[:0], sp.ran[:0], sp.woken[:0], sp.last[:0], sp.orders[:0]
	s.threads, s.phaseBase, s.free, s.mu = sp.threads[:0], sp.phaseBase[:0], sp.free, sp.mu
	*sp = scratch{}
}

// keep makes the buffers of s, a finished run, the spare ones: once every
// thread has returned, none is touched again. Called with runMu held.
func (sp *scratch) keep(s *scheduler) {
	*sp = scratch{vars: s.vars, ptrs: s.ptrs, ids: s.ids, pend: s.pend, ran: s.ran, woken: s.woken, last: s.last, orderSet: s.orderSet, orderKeys: s.orderKeys, orders: s.orders,
		threads: s.threads, phaseBase: s.phaseBase, free: s.free, mu: s.mu}
}

// A worker is a goroutine that runs managed threads, one after another:
// starting a goroutine for each thread of each execution, and growing its
// stack, cost more than the rest of a small execution. A thread that
// returns, or panics, gives its worker back; one that unwinds with
// runtime.Goexit (the thread of an aborted run) takes it along, and a
// thread stuck in a hang keeps it.
type worker struct {
	job  chan job
	wake chan struct{} // the turns of its thread (thread.wake)
}

// A job is a thread to run: fn, as thread t of run s.
type job struct {
	s  *scheduler
	t  *thread
	fn func()
}

// workers holds the idle workers, at most maxIdle of them.
var workers struct {
	sync.Mutex
	idle []*worker
}

const maxIdle = 64

// idleWorker returns an idle worker, or starts one.
func idleWorker() *worker {
	workers.Lock()
	if n := len(workers.idle); n > 0 {
		w := workers.idle[n-1]
		workers.idle[n-1] = nil
		workers.idle = workers.idle[:n-1]
		workers.Unlock()
		return w
	}
	workers.Unlock()
	w := &worker{job: make(chan job, 1), wake: make(chan struct{}, 1)}
	go w.loop()
	return w
}

// loop runs the worker's jobs. A thread runs with the profiler labels of
// its run (Config.Labels), not those of whichever goroutine started the
// worker, so that goroutines it starts are told apart by them; an idle
// worker has none.
func (w *worker) loop() {
	_ = growStack()
	for j := range w.job {
		labels := j.s.cfg.Labels
		if labels == nil {
			labels = context.Background()
		}
		pprof.SetGoroutineLabels(labels)
		j.s.runThread(j.t, j.fn)
		pprof.SetGoroutineLabels(context.Background())
		// A new channel for the next thread's turns: a goroutine the
		// scheduler did not start (an unmanaged one, taken for the
		// running thread at a scheduling point) may still wait on this
		// one after its run, and would take the next run's turn.
		w.wake = make(chan struct{}, 1)
		workers.Lock()
		keep := len(workers.idle) < maxIdle
		if keep {
			workers.idle = append(workers.idle, w)
		}
		workers.Unlock()
		if !keep {
			return
		}
	}
}

// growStack makes the calling goroutine's stack big enough for a
// thread's usual depth while it is shallow: a worker calls it once, when
// it starts. A goroutine starts with a small stack that grows by copying,
// and the copy costs in proportion to the frames it must adjust: at the
// top of a worker, a few; deep in the scheduler under the type's
// operations, where a thread would otherwise first outgrow it, many (a
// sixth of a controlled execution's time, by profile, when every thread
// had a goroutine of its own).
//
//go:noinline
func growStack() byte {
	var frame [stackNeed]byte
	frame[stackIndex&(stackNeed-1)] = 1
	return frame[(stackIndex+1)&(stackNeed-1)]
}

// stackNeed is the frame growStack takes, about what a thread needs below
// it. stackIndex, never written, keeps the frame from being optimized
// away.
const stackNeed = 3 << 10

var stackIndex int
