package sched

import (
	"runtime"
	"strconv"
	"unsafe"
)

// record appends an event of thread t, or in a run of choices only adds
// it to the fingerprint. Called by the thread holding the processor.
func (s *scheduler) record(t *thread, e Event) { s.recordAt(t, &e) }

// recordAt is record by reference, which keeps the frames of the hot
// paths small: every frame counts on the small stacks of the threads'
// fresh goroutines, which grow by copying.
func (s *scheduler) recordAt(t *thread, e *Event) {
	if s.cfg.Sites && e.Kind != KindCall && e.Kind != KindReturn {
		// Enough frames to get past this package's own (the primitive's
		// method, unless inlined, and its slow path) to the caller.
		runtime.Callers(3, e.pcs[:])
	}
	s.mu.Lock()
	s.recordLocked(t, e)
	s.mu.Unlock()
}

// opLocked records an atomic operation in a run of choices only; the
// event is built here, not in the slow path, whose frame is on every
// thread's stack when the strategy runs. Called with mu held.
//
//go:noinline
func (s *scheduler) opLocked(t *thread, k EventKind, v int, ok bool, vk valueKind, k0, k1 uint64) {
	e := Event{Kind: k, Var: v, OK: ok, vk: vk, keys: [2]uint64{k0, k1}}
	s.recordLocked(t, &e)
}

// tracedOp records an atomic operation with its values formatted, and
// its site if the run records sites.
//
//go:noinline
func (s *scheduler) tracedOp(t *thread, k EventKind, v int, ok bool, vk valueKind, k0, k1 uint64, old, new string) {
	e := Event{Kind: k, Var: v, OK: ok, vk: vk, keys: [2]uint64{k0, k1}, Old: old, New: new}
	if s.cfg.Sites {
		// Past this function, the slow path that called it, to the
		// primitive and its caller (see recordAt).
		runtime.Callers(4, e.pcs[:])
	}
	s.mu.Lock()
	s.recordLocked(t, &e)
	s.mu.Unlock()
}

// recordLocked is recordAt with mu held, for an event without a site.
func (s *scheduler) recordLocked(t *thread, e *Event) {
	if s.released {
		return
	}
	e.Thread = t.id
	e.Switch, e.Preempt = s.switched, s.preempted
	s.switched, s.preempted = false, false
	s.hash = e.fingerprint(s.hash)
	if e.Kind != KindCall && e.Kind != KindReturn {
		s.ops++
		s.noteOrder(t, e)
	}
	if !s.cfg.ChoicesOnly {
		s.events = append(s.events, *e)
	}
	t.last = *e
	t.ran = true
}

// tracing reports whether the run records its events, and so formats
// their values.
func (s *scheduler) tracing() bool { return !s.cfg.ChoicesOnly }

// varID numbers an instrumented variable by first use. Called with mu held
// or by the thread holding the processor.
func (s *scheduler) varID(p unsafe.Pointer) int {
	if s.released {
		return 0
	}
	return numberOf(s.vars, p)
}

// numberOf returns p's number in m, numbering it next (from 1) if new.
func numberOf(m map[unsafe.Pointer]int, p unsafe.Pointer) int {
	id, ok := m[p]
	if !ok {
		id = len(m) + 1
		m[p] = id
	}
	return id
}

// varOf is varID under the lock.
func (s *scheduler) varOf(p unsafe.Pointer) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.varID(p)
}

// ptrName names a pointer value by first appearance: nil, p1, p2, ...
func (s *scheduler) ptrName(p unsafe.Pointer) string {
	if p == nil {
		return "nil"
	}
	return "p" + strconv.Itoa(s.ptrID(p))
}

// ptrID numbers a pointer value by first appearance: 0 for nil, then 1,
// 2, ...
func (s *scheduler) ptrID(p unsafe.Pointer) int {
	if p == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ptrIDLocked(p)
}

// ptrIDLocked is ptrID with mu held.
func (s *scheduler) ptrIDLocked(p unsafe.Pointer) int {
	if p == nil || s.released {
		return 0
	}
	return numberOf(s.ptrs, p)
}
