package sched

import (
	"strconv"
	"sync/atomic"
	"unsafe"
)

// Int64 is an atomic int64 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Int64 struct {
	_ noCopy
	v atomic.Int64
}

// Load atomically loads and returns the value.
func (x *Int64) Load() int64 {
	if on.Load() != 0 {
		return x.slowLoad()
	}
	return x.v.Load()
}

// Store atomically stores v.
func (x *Int64) Store(v int64) {
	if on.Load() != 0 {
		x.slowStore(v)
		return
	}
	x.v.Store(v)
}

// Add atomically adds delta and returns the new value.
func (x *Int64) Add(delta int64) int64 {
	if on.Load() != 0 {
		return x.slowAdd(delta)
	}
	return x.v.Add(delta)
}

// Swap atomically stores v and returns the old value.
func (x *Int64) Swap(v int64) int64 {
	if on.Load() != 0 {
		return x.slowSwap(v)
	}
	return x.v.Swap(v)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int64) CompareAndSwap(old, new int64) bool {
	if on.Load() != 0 {
		return x.slowCAS(old, new)
	}
	return x.v.CompareAndSwap(old, new)
}

// The slow paths are separate functions, not inlined, so that the fast
// paths above fit the inliner's budget and cost one load and a branch.

//go:noinline
func (x *Int64) slowLoad() int64 { return x.slow(KindLoad, 0, 0) }

//go:noinline
func (x *Int64) slowStore(v int64) { x.slow(KindStore, v, 0) }

//go:noinline
func (x *Int64) slowAdd(delta int64) int64 { return x.slow(KindAdd, delta, 0) }

//go:noinline
func (x *Int64) slowSwap(v int64) int64 { return x.slow(KindSwap, v, 0) }

//go:noinline
func (x *Int64) slowCAS(old, new int64) bool { return x.slow(KindCAS, old, new) != 0 }

func (x *Int64) slow(k Kind, a, b int64) int64 {
	return slowWord(unsafe.Pointer(x), &x.v, k, a, b, func(v int64) string { return strconv.FormatInt(v, 10) })
}

// Uint64 is an atomic uint64 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Uint64 struct {
	_ noCopy
	v atomic.Uint64
}

// Load atomically loads and returns the value.
func (x *Uint64) Load() uint64 {
	if on.Load() != 0 {
		return x.slowLoad()
	}
	return x.v.Load()
}

// Store atomically stores v.
func (x *Uint64) Store(v uint64) {
	if on.Load() != 0 {
		x.slowStore(v)
		return
	}
	x.v.Store(v)
}

// Add atomically adds delta and returns the new value.
func (x *Uint64) Add(delta uint64) uint64 {
	if on.Load() != 0 {
		return x.slowAdd(delta)
	}
	return x.v.Add(delta)
}

// Swap atomically stores v and returns the old value.
func (x *Uint64) Swap(v uint64) uint64 {
	if on.Load() != 0 {
		return x.slowSwap(v)
	}
	return x.v.Swap(v)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint64) CompareAndSwap(old, new uint64) bool {
	if on.Load() != 0 {
		return x.slowCAS(old, new)
	}
	return x.v.CompareAndSwap(old, new)
}

// The slow paths are separate functions, not inlined, so that the fast
// paths above fit the inliner's budget and cost one load and a branch.

//go:noinline
func (x *Uint64) slowLoad() uint64 { return x.slow(KindLoad, 0, 0) }

//go:noinline
func (x *Uint64) slowStore(v uint64) { x.slow(KindStore, v, 0) }

//go:noinline
func (x *Uint64) slowAdd(delta uint64) uint64 { return x.slow(KindAdd, delta, 0) }

//go:noinline
func (x *Uint64) slowSwap(v uint64) uint64 { return x.slow(KindSwap, v, 0) }

//go:noinline
func (x *Uint64) slowCAS(old, new uint64) bool { return x.slow(KindCAS, old, new) != 0 }

func (x *Uint64) slow(k Kind, a, b uint64) uint64 {
	return slowWord(unsafe.Pointer(x), &x.v, k, a, b, func(v uint64) string { return strconv.FormatUint(v, 10) })
}

// Pointer is an atomic pointer to T whose operations are scheduling points
// in a controlled run. The zero value is nil. It must not be copied after
// first use. In events, pointer values are named p1, p2, ... by first
// appearance in the run.
type Pointer[T any] struct {
	_ noCopy
	v atomic.Pointer[T]
}

// Load atomically loads and returns the value.
func (x *Pointer[T]) Load() *T {
	if on.Load() != 0 {
		return x.slowLoad()
	}
	return x.v.Load()
}

// Store atomically stores v.
func (x *Pointer[T]) Store(v *T) {
	if on.Load() != 0 {
		x.slowStore(v)
		return
	}
	x.v.Store(v)
}

// Swap atomically stores v and returns the old value.
func (x *Pointer[T]) Swap(v *T) *T {
	if on.Load() != 0 {
		return x.slowSwap(v)
	}
	return x.v.Swap(v)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Pointer[T]) CompareAndSwap(old, new *T) bool {
	if on.Load() != 0 {
		return x.slowCAS(old, new)
	}
	return x.v.CompareAndSwap(old, new)
}

//go:noinline
func (x *Pointer[T]) slowLoad() *T {
	r, _ := x.slow(KindLoad, nil, nil)
	return r
}

//go:noinline
func (x *Pointer[T]) slowStore(v *T) { x.slow(KindStore, v, nil) }

//go:noinline
func (x *Pointer[T]) slowSwap(v *T) *T {
	r, _ := x.slow(KindSwap, v, nil)
	return r
}

//go:noinline
func (x *Pointer[T]) slowCAS(old, new *T) bool {
	_, ok := x.slow(KindCAS, old, new)
	return ok
}

func (x *Pointer[T]) slow(k Kind, a, b *T) (*T, bool) {
	do := func() (r, old, new *T, ok bool) {
		switch k {
		case KindLoad:
			r = x.v.Load()
			return r, r, r, true
		case KindStore:
			return nil, x.v.Swap(a), a, true
		case KindSwap:
			r = x.v.Swap(a)
			return r, r, a, true
		}
		if x.v.CompareAndSwap(a, b) {
			return nil, a, b, true
		}
		return nil, x.v.Load(), a, false
	}
	s := active.Load()
	if s == nil || s.perturb {
		if s != nil {
			s.maybeYield()
		}
		r, _, _, ok := do()
		return r, ok
	}
	t := s.point()
	r, old, new, ok := do()
	if t != nil {
		s.record(t, Event{Kind: k, Var: s.varOf(unsafe.Pointer(x)), Old: s.ptrName(unsafe.Pointer(old)), New: s.ptrName(unsafe.Pointer(new)), OK: ok})
	}
	return r, ok
}

// word is what the slow path needs of atomic.Int64 and atomic.Uint64.
type word[T int64 | uint64] interface {
	Load() T
	Swap(T) T
	Add(T) T
	CompareAndSwap(old, new T) bool
}

// slowWord performs operation k on an atomic integer outside the fast
// path: under stress perturbation it may yield first; in a controlled run
// it is a scheduling point and is recorded with its old and new values.
// For a CAS it returns 1 when the swap happened.
func slowWord[T int64 | uint64](addr unsafe.Pointer, w word[T], k Kind, a, b T, format func(T) string) T {
	do := func() (r, old, new T, ok bool) {
		switch k {
		case KindLoad:
			r = w.Load()
			return r, r, r, true
		case KindStore:
			return 0, w.Swap(a), a, true
		case KindAdd:
			r = w.Add(a)
			return r, r - a, r, true
		case KindSwap:
			r = w.Swap(a)
			return r, r, a, true
		}
		if w.CompareAndSwap(a, b) {
			return 1, a, b, true
		}
		return 0, w.Load(), a, false
	}
	s := active.Load()
	if s == nil || s.perturb {
		if s != nil {
			s.maybeYield()
		}
		r, _, _, _ := do()
		return r
	}
	t := s.point()
	r, old, new, ok := do()
	if t != nil {
		s.record(t, Event{Kind: k, Var: s.varOf(addr), Old: format(old), New: format(new), OK: ok})
	}
	return r
}

// noCopy makes go vet's copylocks check flag copies.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
