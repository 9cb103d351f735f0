package stress

import (
	"reflect"
	"testing"
)

// Compare tests the type that newT makes against the reference that newR
// makes, with no spec to write: the operations are T's exported methods
// (or those named by [Methods]), with arguments drawn from small domains
// (or by [Args] and [Arg]; within a scenario a scalar argument takes, one
// time in two, a value an earlier argument from the same generator got,
// so that calls meet on the same keys), and a history is correct if the
// reference, called one operation at a time in some order that respects
// real time, returns the same results. It fails t with a report, as
// [Test] does.
//
// The reference can be a simple sequential type with the same methods, or
// the same constructor again: the reference only ever runs one call at a
// time. Results are compared with reflect.DeepEqual, errors by their
// message; a panic is a result too, compared by its value. A
// context.Context parameter gets context.Background, or in one call out
// of four a context already cancelled. The reference must not block.
//
// A type with a Close method that takes nothing is closed after each
// execution, before the check for leaked goroutines, and so is every
// reference; Close is then not drawn as an operation unless [Methods]
// names it (it must then be safe to call twice). A reference with a
// method Clone() R is cloned rather than replayed, which checks faster.
//
//	stress.Compare(t, NewLockFreeQueue, NewMutexQueue)
func Compare[T, R any](t testing.TB, newT func() T, newR func() R, opts ...Option) {
	t.Helper()
	spec, opts, err := compareSpec(newT, newR, opts)
	if err != nil {
		t.Fatal(err)
	}
	Test(t, spec, opts...)
}

// CompareRun is [Compare] that returns what it found instead of failing
// t, as [Run] does.
func CompareRun[T, R any](t testing.TB, newT func() T, newR func() R, opts ...Option) (Summary, error) {
	t.Helper()
	spec, opts, err := compareSpec(newT, newR, opts)
	if err != nil {
		return Summary{}, err
	}
	return Run(t, spec, opts...)
}

// compareSpec is the one place that builds the Spec of a Compare.
func compareSpec[T, R any](newT func() T, newR func() R, opts []Option) (Spec[T, call, ret], []Option, error) {
	mo, rest := splitOptions(opts)
	mo.skip = []string{"Close", "Clone"}
	ms, err := newMethodSet(reflect.TypeFor[T](), reflect.TypeFor[R](), mo)
	if err != nil {
		return Spec[T, call, ret]{}, nil, err
	}
	return Spec[T, call, ret]{
		New: newT,
		Ops: ms.ops(),
		Run: func(v T, _ int, c call) ret {
			return invoke(reflect.ValueOf(&v).Elem(), c.m.impl, c)
		},
		Model:    &reference[R]{newR: newR, ms: ms, close: closer[R](), clone: cloner[R]()},
		Cleanup:  closer[T](),
		scenario: ms.begin,
	}, rest, nil
}

// closer returns a function that calls v.Close(), if T has a Close method
// without parameters, or nil.
func closer[T any]() func(v T) {
	t := reflect.TypeFor[T]()
	m, ok := t.MethodByName("Close")
	if !ok || methodType(t, m).NumIn() != 0 {
		return nil
	}
	return func(v T) { reflect.ValueOf(&v).Elem().Method(m.Index).Call(nil) }
}

// cloner returns a function that calls r.Clone(), if R has a method
// Clone() R and no Close method, or nil.
func cloner[R any]() func(r R) R {
	t := reflect.TypeFor[R]()
	m, ok := t.MethodByName("Clone")
	if !ok || closer[R]() != nil {
		return nil
	}
	if mt := methodType(t, m); mt.NumIn() != 0 || mt.NumOut() != 1 || mt.Out(0) != t {
		return nil
	}
	return func(r R) R {
		return reflect.ValueOf(&r).Elem().Method(m.Index).Call(nil)[0].Interface().(R)
	}
}
