package sched_test

import (
	"slices"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/interleave-go/interleave/sched"
)

// TestAtomicsMatchStd runs the same sequence of operations on each sched
// primitive and on its sync/atomic original, outside and inside a
// controlled run, and compares every result.
func TestAtomicsMatchStd(t *testing.T) {
	type step func() any
	type pair struct {
		name      string
		std, ours func() []step // fresh values each call
	}
	ints := func(name string, std, ours func() []step) pair { return pair{name, std, ours} }
	pairs := []pair{
		ints("Int32", func() []step {
			var x atomic.Int32
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(-3) }, func() any { return x.CompareAndSwap(-3, 7) }, func() any { return x.CompareAndSwap(1, 2) },
				func() any { x.Store(11); return x.Load() }}
		}, func() []step {
			var x sched.Int32
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(-3) }, func() any { return x.CompareAndSwap(-3, 7) }, func() any { return x.CompareAndSwap(1, 2) },
				func() any { x.Store(11); return x.Load() }}
		}),
		ints("Uint32", func() []step {
			var x atomic.Uint32
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(3) }, func() any { return x.CompareAndSwap(3, 7) }, func() any { return x.Add(^uint32(0)) },
				func() any { x.Store(11); return x.Load() }}
		}, func() []step {
			var x sched.Uint32
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(3) }, func() any { return x.CompareAndSwap(3, 7) }, func() any { return x.Add(^uint32(0)) },
				func() any { x.Store(11); return x.Load() }}
		}),
		ints("Int64", func() []step {
			var x atomic.Int64
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) }, func() any { return x.Load() }}
		}, func() []step {
			var x sched.Int64
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) }, func() any { return x.Load() }}
		}),
		ints("Uint64", func() []step {
			var x atomic.Uint64
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) }, func() any { return x.Load() }}
		}, func() []step {
			var x sched.Uint64
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) }, func() any { return x.Load() }}
		}),
		ints("Uintptr", func() []step {
			var x atomic.Uintptr
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(3) }, func() any { return x.CompareAndSwap(3, 7) }, func() any { x.Store(1); return x.Load() }}
		}, func() []step {
			var x sched.Uintptr
			return []step{func() any { return x.Add(5) }, func() any { return x.And(6) }, func() any { return x.Or(9) },
				func() any { return x.Swap(3) }, func() any { return x.CompareAndSwap(3, 7) }, func() any { x.Store(1); return x.Load() }}
		}),
		ints("Bool", func() []step {
			var x atomic.Bool
			return []step{func() any { return x.Swap(true) }, func() any { return x.CompareAndSwap(false, true) },
				func() any { return x.CompareAndSwap(true, false) }, func() any { x.Store(true); return x.Load() }}
		}, func() []step {
			var x sched.Bool
			return []step{func() any { return x.Swap(true) }, func() any { return x.CompareAndSwap(false, true) },
				func() any { return x.CompareAndSwap(true, false) }, func() any { x.Store(true); return x.Load() }}
		}),
		ints("Value", func() []step {
			var x atomic.Value
			return []step{func() any { return x.Load() }, func() any { return x.Swap("a") }, func() any { return x.CompareAndSwap("b", "c") },
				func() any { return x.CompareAndSwap("a", "c") }, func() any { x.Store("d"); return x.Load() }}
		}, func() []step {
			var x sched.Value
			return []step{func() any { return x.Load() }, func() any { return x.Swap("a") }, func() any { return x.CompareAndSwap("b", "c") },
				func() any { return x.CompareAndSwap("a", "c") }, func() any { x.Store("d"); return x.Load() }}
		}),
		ints("funcs32", func() []step {
			var x int32
			var u uint32
			return []step{func() any { return atomic.AddInt32(&x, 4) }, func() any { return atomic.AndInt32(&x, 6) }, func() any { return atomic.OrInt32(&x, 1) },
				func() any { return atomic.SwapInt32(&x, 2) }, func() any { return atomic.CompareAndSwapInt32(&x, 2, 3) }, func() any { atomic.StoreInt32(&x, 8); return atomic.LoadInt32(&x) },
				func() any { return atomic.AddUint32(&u, 4) }, func() any { return atomic.AndUint32(&u, 6) }, func() any { return atomic.OrUint32(&u, 1) },
				func() any { return atomic.SwapUint32(&u, 2) }, func() any { return atomic.CompareAndSwapUint32(&u, 2, 3) }, func() any { atomic.StoreUint32(&u, 8); return atomic.LoadUint32(&u) }}
		}, func() []step {
			var x int32
			var u uint32
			return []step{func() any { return sched.AddInt32(&x, 4) }, func() any { return sched.AndInt32(&x, 6) }, func() any { return sched.OrInt32(&x, 1) },
				func() any { return sched.SwapInt32(&x, 2) }, func() any { return sched.CompareAndSwapInt32(&x, 2, 3) }, func() any { sched.StoreInt32(&x, 8); return sched.LoadInt32(&x) },
				func() any { return sched.AddUint32(&u, 4) }, func() any { return sched.AndUint32(&u, 6) }, func() any { return sched.OrUint32(&u, 1) },
				func() any { return sched.SwapUint32(&u, 2) }, func() any { return sched.CompareAndSwapUint32(&u, 2, 3) }, func() any { sched.StoreUint32(&u, 8); return sched.LoadUint32(&u) }}
		}),
		ints("funcs64", func() []step {
			var x int64
			var u uint64
			var p uintptr
			return []step{func() any { return atomic.AddInt64(&x, 4) }, func() any { return atomic.AndInt64(&x, 6) }, func() any { return atomic.OrInt64(&x, 1) },
				func() any { return atomic.SwapInt64(&x, 2) }, func() any { return atomic.CompareAndSwapInt64(&x, 2, 3) }, func() any { atomic.StoreInt64(&x, 8); return atomic.LoadInt64(&x) },
				func() any { return atomic.AddUint64(&u, 4) }, func() any { return atomic.AndUint64(&u, 6) }, func() any { return atomic.OrUint64(&u, 1) },
				func() any { return atomic.SwapUint64(&u, 2) }, func() any { return atomic.CompareAndSwapUint64(&u, 2, 3) }, func() any { atomic.StoreUint64(&u, 8); return atomic.LoadUint64(&u) },
				func() any { return atomic.AddUintptr(&p, 4) }, func() any { return atomic.AndUintptr(&p, 6) }, func() any { return atomic.OrUintptr(&p, 1) },
				func() any { return atomic.SwapUintptr(&p, 2) }, func() any { return atomic.CompareAndSwapUintptr(&p, 2, 3) }, func() any { atomic.StoreUintptr(&p, 8); return atomic.LoadUintptr(&p) }}
		}, func() []step {
			var x int64
			var u uint64
			var p uintptr
			return []step{func() any { return sched.AddInt64(&x, 4) }, func() any { return sched.AndInt64(&x, 6) }, func() any { return sched.OrInt64(&x, 1) },
				func() any { return sched.SwapInt64(&x, 2) }, func() any { return sched.CompareAndSwapInt64(&x, 2, 3) }, func() any { sched.StoreInt64(&x, 8); return sched.LoadInt64(&x) },
				func() any { return sched.AddUint64(&u, 4) }, func() any { return sched.AndUint64(&u, 6) }, func() any { return sched.OrUint64(&u, 1) },
				func() any { return sched.SwapUint64(&u, 2) }, func() any { return sched.CompareAndSwapUint64(&u, 2, 3) }, func() any { sched.StoreUint64(&u, 8); return sched.LoadUint64(&u) },
				func() any { return sched.AddUintptr(&p, 4) }, func() any { return sched.AndUintptr(&p, 6) }, func() any { return sched.OrUintptr(&p, 1) },
				func() any { return sched.SwapUintptr(&p, 2) }, func() any { return sched.CompareAndSwapUintptr(&p, 2, 3) }, func() any { sched.StoreUintptr(&p, 8); return sched.LoadUintptr(&p) }}
		}),
		ints("funcsPointer", func() []step {
			var p unsafe.Pointer
			a, b := unsafe.Pointer(new(int)), unsafe.Pointer(new(int))
			return []step{func() any { return atomic.SwapPointer(&p, a) == nil }, func() any { return atomic.CompareAndSwapPointer(&p, b, a) },
				func() any { return atomic.CompareAndSwapPointer(&p, a, b) }, func() any { return atomic.LoadPointer(&p) == b },
				func() any { atomic.StorePointer(&p, nil); return atomic.LoadPointer(&p) == nil }}
		}, func() []step {
			var p unsafe.Pointer
			a, b := unsafe.Pointer(new(int)), unsafe.Pointer(new(int))
			return []step{func() any { return sched.SwapPointer(&p, a) == nil }, func() any { return sched.CompareAndSwapPointer(&p, b, a) },
				func() any { return sched.CompareAndSwapPointer(&p, a, b) }, func() any { return sched.LoadPointer(&p) == b },
				func() any { sched.StorePointer(&p, nil); return sched.LoadPointer(&p) == nil }}
		}),
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			var want []any
			for _, s := range p.std() {
				want = append(want, s())
			}
			run := func() []any {
				var got []any
				for _, s := range p.ours() {
					got = append(got, s())
				}
				return got
			}
			if got := run(); !slices.Equal(got, want) {
				t.Errorf("outside a run: %v, std %v", got, want)
			}
			var got []any
			e := sched.Execute(sched.Config{}, []func(){func() { got = run() }})
			if e.Outcome != sched.Completed || !slices.Equal(got, want) {
				t.Errorf("in a run: %v %v, std %v", e.Outcome, got, want)
			}
			if len(e.Events) < len(want) {
				t.Errorf("in a run: %d events for %d operations", len(e.Events), len(want))
			}
		})
	}
}

// TestPlainWordIsTheTypedVariable: a function form on a plain word and
// the integer type at the same address are one variable in the trace.
func TestPlainWordIsTheTypedVariable(t *testing.T) {
	var x sched.Int32
	var y int32
	e := sched.Execute(sched.Config{}, []func(){func() {
		x.Add(1)
		sched.AddInt32((*int32)(unsafe.Pointer(&x)), 2)
		sched.StoreInt32(&y, 5)
		x.And(1)
	}})
	got := actions(e)
	want := []string{"Add v1 0→1", "Add v1 1→3", "Store v2 0→5", "And v1 3→1"}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

// TestExploreLostUpdateOnPlainWords: LoadInt32 then StoreInt32 loses an
// update under some schedule; AddInt32 never does.
func TestExploreLostUpdateOnPlainWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		inc  func(*int32)
		lost bool
	}{
		{"load-store", func(p *int32) { sched.StoreInt32(p, sched.LoadInt32(p)+1) }, true},
		{"add", func(p *int32) { sched.AddInt32(p, 1) }, false},
		{"cas-loop", func(p *int32) {
			for {
				v := sched.LoadInt32(p)
				if sched.CompareAndSwapInt32(p, v, v+1) {
					return
				}
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var x *int32
			lost, n := 0, 0
			sched.Explore(sched.Config{}, 2, func() [][]func() {
				x = new(int32)
				return [][]func(){{func() { tc.inc(x) }, func() { tc.inc(x) }}}
			}, func(e *sched.Execution) bool {
				n++
				if e.Outcome != sched.Completed {
					t.Fatalf("outcome %v", e.Outcome)
				}
				if *x != 2 {
					lost++
				}
				return true
			})
			if n < 3 {
				t.Fatalf("only %d executions explored", n)
			}
			if (lost > 0) != tc.lost {
				t.Fatalf("%d lost updates in %d executions, want lost=%v", lost, n, tc.lost)
			}
		})
	}
}
