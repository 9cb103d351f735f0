package sched

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"sync/atomic"
	"unsafe"
)

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

func (x *Pointer[T]) slow(k EventKind, a, b *T) (*T, bool) {
	return slowCell(unsafe.Pointer(x), &x.v, k, a, b, valuer[*T]{kind: pointerValue, key: func(s *scheduler, p *T) uint64 { return uint64(s.ptrIDLocked(unsafe.Pointer(p))) }})
}

// valuer turns the values of an atomic type into an event's keys (see
// Event.keys) and, when the run records its events, into text.
type valuer[T any] struct {
	kind valueKind
	// key is called with the scheduler's lock held.
	key func(*scheduler, T) uint64
	// format, if set, formats a value; otherwise kind formats its key.
	format func(*scheduler, T) string
}

// integer is the set of types the integer primitives hold.
type integer interface {
	int32 | int64 | uint32 | uint64 | uintptr
}

// cell is what the slow path needs of an atomic value: the std atomic
// types, and adapters over plain words.
type cell[T comparable] interface {
	Load() T
	Store(T)
	Swap(T) T
	CompareAndSwap(old, new T) bool
}

// word is what the slow path needs of an atomic integer.
type word[T integer] interface {
	cell[T]
	Add(T) T
	And(T) T
	Or(T) T
}

// slowOp performs an atomic operation outside the fast path: under stress
// perturbation it may yield first; in a controlled run it is a scheduling
// point, recorded as an event of kind k on the variable at addr with the
// values before and after. do performs the operation and returns its
// result, the values before and after, and whether it took effect (a
// CompareAndSwap's result).
func slowOp[T any](addr unsafe.Pointer, k EventKind, do func() (r, old, new T, ok bool), vals valuer[T]) (T, bool) {
	s := active.Load()
	if s == nil || s.perturb {
		if s != nil {
			s.maybeYield()
		}
		r, _, _, ok := do()
		return r, ok
	}
	t := s.pointAt(Access{Obj: uintptr(addr), Write: k != KindLoad})
	r, old, new, ok := do()
	if t == nil {
		return r, ok
	}
	s.mu.Lock()
	v := s.varID(addr)
	k0, k1 := vals.key(s, old), vals.key(s, new)
	if !s.tracing() {
		// One lock for the whole event: nothing to format.
		s.opLocked(t, k, v, ok, vals.kind, k0, k1)
		s.mu.Unlock()
		return r, ok
	}
	s.mu.Unlock()
	var o, n string
	if vals.format != nil {
		o, n = vals.format(s, old), vals.format(s, new)
	} else {
		o, n = vals.kind.format(k0), vals.kind.format(k1)
	}
	s.tracedOp(t, k, v, ok, vals.kind, k0, k1, o, n)
	return r, ok
}

// slowCell performs Load, Store, Swap or CompareAndSwap (k) on c, an
// atomic value at addr, through slowOp. a is the value stored, or the old
// value of a CompareAndSwap and b its new one. A failed CompareAndSwap is
// recorded with the value found as Old and the one expected as New.
func slowCell[T comparable](addr unsafe.Pointer, c cell[T], k EventKind, a, b T, vals valuer[T]) (T, bool) {
	return slowOp(addr, k, func() (r, old, new T, ok bool) {
		switch k {
		case KindLoad:
			r = c.Load()
			return r, r, r, true
		case KindStore:
			old = c.Load() // only one thread runs, or old is only shown
			c.Store(a)
			return r, old, a, true
		case KindSwap:
			r = c.Swap(a)
			return r, r, a, true
		}
		if c.CompareAndSwap(a, b) {
			return r, a, b, true
		}
		return r, c.Load(), a, false
	}, vals)
}

// slowWord performs operation k on an atomic integer through slowOp. For
// a CompareAndSwap it returns 1 when the swap happened.
func slowWord[T integer](p *T, k EventKind, a, b T) T {
	addr, w := unsafe.Pointer(p), wordAt(p)
	switch k {
	case KindAdd, KindAnd, KindOr:
	default:
		r, ok := slowCell(addr, w, k, a, b, intValuer[T]())
		if k == KindCAS && ok {
			return 1
		}
		return r
	}
	r, _ := slowOp(addr, k, func() (r, old, new T, ok bool) {
		switch k {
		case KindAdd:
			r = w.Add(a)
			return r, r - a, r, true
		case KindAnd:
			r = w.And(a)
			return r, r, r & a, true
		}
		r = w.Or(a)
		return r, r, r | a, true
	}, intValuer[T]())
	return r
}

// intValuer is the valuer of an integer type: the key is the value.
func intValuer[T integer]() valuer[T] {
	kind := unsignedValue
	if var0 := T(0); ^var0 < 0 {
		kind = signedValue
	}
	return valuer[T]{kind: kind, key: func(_ *scheduler, v T) uint64 { return uint64(v) }}
}

// formatInt formats an integer of any of the primitives' types.
func formatInt[T integer](_ *scheduler, v T) string {
	if var0 := T(0); ^var0 < 0 { // signed
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// Bool is an atomic boolean whose operations are scheduling points in a
// controlled run. The zero value is false. It must not be copied after
// first use.
type Bool struct {
	_ noCopy
	v atomic.Bool
}

// Load atomically loads and returns the value stored in x.
func (x *Bool) Load() bool {
	if on.Load() != 0 {
		return x.slowLoad()
	}
	return x.v.Load()
}

// Store atomically stores val into x.
func (x *Bool) Store(val bool) {
	if on.Load() != 0 {
		x.slowStore(val)
		return
	}
	x.v.Store(val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Bool) Swap(new bool) (old bool) {
	if on.Load() != 0 {
		return x.slowSwap(new)
	}
	return x.v.Swap(new)
}

// CompareAndSwap executes the compare-and-swap operation for the boolean
// value x.
func (x *Bool) CompareAndSwap(old, new bool) (swapped bool) {
	if on.Load() != 0 {
		return x.slowCAS(old, new)
	}
	return x.v.CompareAndSwap(old, new)
}

//go:noinline
func (x *Bool) slowStore(v bool) { x.slow(KindStore, v, false) }

//go:noinline
func (x *Bool) slowCAS(old, new bool) bool {
	_, ok := x.slow(KindCAS, old, new)
	return ok
}

//go:noinline
func (x *Bool) slowLoad() bool {
	r, _ := x.slow(KindLoad, false, false)
	return r
}

//go:noinline
func (x *Bool) slowSwap(v bool) bool {
	r, _ := x.slow(KindSwap, v, false)
	return r
}

func (x *Bool) slow(k EventKind, a, b bool) (bool, bool) {
	return slowCell(unsafe.Pointer(x), &x.v, k, a, b, valuer[bool]{kind: boolValue, key: func(_ *scheduler, v bool) uint64 {
		if v {
			return 1
		}
		return 0
	}})
}

// Value provides an atomic load and store of a consistently typed value,
// like atomic.Value, and its operations are scheduling points in a
// controlled run. The zero value returns nil from Load. Once Store has
// been called, a Value must not be copied.
type Value struct {
	_ noCopy
	v atomic.Value
}

// Load returns the value set by the most recent Store. It returns nil if
// there has been no call to Store for this Value.
func (v *Value) Load() (val any) {
	if on.Load() != 0 {
		return v.slowLoad()
	}
	return v.v.Load()
}

// Store sets the value of the Value v to val. All calls to Store for a
// given Value must use values of the same concrete type. Store of an
// inconsistent type panics, as does Store(nil).
func (v *Value) Store(val any) {
	if on.Load() != 0 {
		v.slowStore(val)
		return
	}
	v.v.Store(val)
}

// Swap stores new into Value and returns the previous value. It returns
// nil if the Value is empty. All calls to Swap for a given Value must use
// values of the same concrete type. Swap of an inconsistent type panics,
// as does Swap(nil).
func (v *Value) Swap(new any) (old any) {
	if on.Load() != 0 {
		return v.slowSwap(new)
	}
	return v.v.Swap(new)
}

// CompareAndSwap executes the compare-and-swap operation for the Value.
// All calls to CompareAndSwap for a given Value must use values of the
// same concrete type. CompareAndSwap of an inconsistent type panics, as
// does CompareAndSwap(old, nil).
func (v *Value) CompareAndSwap(old, new any) (swapped bool) {
	if on.Load() != 0 {
		return v.slowCAS(old, new)
	}
	return v.v.CompareAndSwap(old, new)
}

//go:noinline
func (v *Value) slowLoad() any {
	r, _ := v.slow(KindLoad, nil, nil)
	return r
}

//go:noinline
func (v *Value) slowStore(val any) { v.slow(KindStore, val, nil) }

//go:noinline
func (v *Value) slowSwap(new any) any {
	r, _ := v.slow(KindSwap, new, nil)
	return r
}

//go:noinline
func (v *Value) slowCAS(old, new any) bool {
	_, ok := v.slow(KindCAS, old, new)
	return ok
}

func (v *Value) slow(k EventKind, a, b any) (any, bool) {
	return slowCell(unsafe.Pointer(v), &v.v, k, a, b, valuer[any]{key: anyKey, format: formatAny})
}

// anyKey is the key of a Value's value: a pointer or other reference by
// first appearance, a number by its bits, a string by its hash, and other
// values 0.
func anyKey(s *scheduler, v any) uint64 {
	if v == nil {
		return 0
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func, reflect.Slice:
		return uint64(s.ptrIDLocked(r.UnsafePointer()))
	case reflect.Bool:
		if r.Bool() {
			return 1
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return uint64(r.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return r.Uint()
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(r.Float())
	case reflect.String:
		h := uint64(fnvOffset)
		for _, c := range []byte(r.String()) {
			h = mix(h, uint64(c))
		}
		return h
	}
	return 0
}

// formatAny formats a value for an event so that an execution formats the
// same way every time: basic values with %v, pointers and other
// references by first appearance (p1, p2, ...) as for Pointer, and other
// composite values, which may hold pointers, by their type alone.
//
// In a run that records choices only it returns "": nothing reads it.
func formatAny(s *scheduler, v any) string {
	if !s.tracing() {
		return ""
	}
	if v == nil {
		return "nil"
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func, reflect.Slice:
		return s.ptrName(r.UnsafePointer())
	case reflect.Struct, reflect.Array, reflect.Interface:
		if r.Type().Size() == 0 {
			return "{}" // struct{}{}, a signal: nothing to tell apart
		}
		return fmt.Sprintf("(%T)", v)
	}
	return fmt.Sprint(v)
}

// The slow paths of the integer types and function forms: one generic
// function per operation, not inlined, so that the fast paths that call
// them fit the inliner's budget.

//go:noinline
func loadAt[T integer](addr *T) T { return slowWord(addr, KindLoad, 0, 0) }

//go:noinline
func storeAt[T integer](addr *T, v T) { slowWord(addr, KindStore, v, 0) }

//go:noinline
func swapAt[T integer](addr *T, v T) T { return slowWord(addr, KindSwap, v, 0) }

//go:noinline
func casAt[T integer](addr *T, old, new T) bool { return slowWord(addr, KindCAS, old, new) != 0 }

//go:noinline
func addAt[T integer](addr *T, delta T) T { return slowWord(addr, KindAdd, delta, 0) }

//go:noinline
func andAt[T integer](addr *T, mask T) T { return slowWord(addr, KindAnd, mask, 0) }

//go:noinline
func orAt[T integer](addr *T, mask T) T { return slowWord(addr, KindOr, mask, 0) }

// wordAt returns the std atomic type over the plain word at addr: they
// have the same layout.
func wordAt[T integer](addr *T) word[T] {
	var w any
	switch p := unsafe.Pointer(addr); any(addr).(type) {
	case *int32:
		w = (*atomic.Int32)(p)
	case *int64:
		w = (*atomic.Int64)(p)
	case *uint32:
		w = (*atomic.Uint32)(p)
	case *uint64:
		w = (*atomic.Uint64)(p)
	default:
		w = (*atomic.Uintptr)(p)
	}
	return w.(word[T])
}

// pointerCell is a cell over a plain unsafe.Pointer.
type pointerCell struct{ p *unsafe.Pointer }

func (c pointerCell) Store(v unsafe.Pointer)               { atomic.StorePointer(c.p, v) }
func (c pointerCell) Load() unsafe.Pointer                 { return atomic.LoadPointer(c.p) }
func (c pointerCell) Swap(v unsafe.Pointer) unsafe.Pointer { return atomic.SwapPointer(c.p, v) }
func (c pointerCell) CompareAndSwap(old, new unsafe.Pointer) bool {
	return atomic.CompareAndSwapPointer(c.p, old, new)
}

//go:noinline
func loadPointerAt(addr *unsafe.Pointer) unsafe.Pointer {
	r, _ := pointerAt(addr, KindLoad, nil, nil)
	return r
}

//go:noinline
func storePointerAt(addr *unsafe.Pointer, v unsafe.Pointer) { pointerAt(addr, KindStore, v, nil) }

//go:noinline
func swapPointerAt(addr *unsafe.Pointer, v unsafe.Pointer) unsafe.Pointer {
	r, _ := pointerAt(addr, KindSwap, v, nil)
	return r
}

//go:noinline
func casPointerAt(addr *unsafe.Pointer, old, new unsafe.Pointer) bool {
	_, ok := pointerAt(addr, KindCAS, old, new)
	return ok
}

// pointerAt is the slow path of the unsafe.Pointer function forms.
func pointerAt(addr *unsafe.Pointer, k EventKind, a, b unsafe.Pointer) (unsafe.Pointer, bool) {
	return slowCell(unsafe.Pointer(addr), pointerCell{addr}, k, a, b, valuer[unsafe.Pointer]{kind: pointerValue, key: func(s *scheduler, p unsafe.Pointer) uint64 { return uint64(s.ptrIDLocked(p)) }})
}

// noCopy makes go vet's copylocks check flag copies.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
