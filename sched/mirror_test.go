package sched_test

import (
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestMirrorsStd: every method of the sync and sync/atomic types and every
// function a rewriter maps onto sched exists there with the same
// signature, the std types in it read as their twins.
func TestMirrorsStd(t *testing.T) {
	types := [][2]any{
		{&atomic.Bool{}, &sched.Bool{}}, {&atomic.Int32{}, &sched.Int32{}}, {&atomic.Int64{}, &sched.Int64{}},
		{&atomic.Uint32{}, &sched.Uint32{}}, {&atomic.Uint64{}, &sched.Uint64{}}, {&atomic.Uintptr{}, &sched.Uintptr{}},
		{&atomic.Pointer[int]{}, &sched.Pointer[int]{}}, {&atomic.Value{}, &sched.Value{}},
		{&sync.Mutex{}, &sched.Mutex{}}, {&sync.RWMutex{}, &sched.RWMutex{}}, {&sync.WaitGroup{}, &sched.WaitGroup{}},
		{&sync.Once{}, &sched.Once{}}, {&sync.Cond{}, &sched.Cond{}}, {&sync.Map{}, &sched.Map{}},
	}
	twin := map[reflect.Type]reflect.Type{}
	for _, p := range types {
		twin[reflect.TypeOf(p[0])] = reflect.TypeOf(p[1])
	}
	same := func(std, ours reflect.Type, skip int) bool {
		if std.NumIn() != ours.NumIn() || std.NumOut() != ours.NumOut() || std.IsVariadic() != ours.IsVariadic() {
			return false
		}
		for i := skip; i < std.NumIn(); i++ {
			if a, b := std.In(i), ours.In(i); a != b && twin[a] != b {
				return false
			}
		}
		for i := range std.NumOut() {
			if a, b := std.Out(i), ours.Out(i); a != b && twin[a] != b {
				return false
			}
		}
		return true
	}
	for _, p := range types {
		std, ours := reflect.TypeOf(p[0]), reflect.TypeOf(p[1])
		for i := range std.NumMethod() {
			m := std.Method(i)
			o, ok := ours.MethodByName(m.Name)
			if !ok || !same(m.Type, o.Type, 1) {
				t.Errorf("%v.%s %v: sched has %v", std, m.Name, m.Type, o.Type)
			}
		}
	}
	if f, ok := reflect.TypeOf(sched.Cond{}).FieldByName("L"); !ok || f.Type != reflect.TypeFor[sync.Locker]() {
		t.Errorf("sched.Cond has no field L of type sync.Locker")
	}
	funcs := [][2]any{
		{atomic.AddInt32, sched.AddInt32}, {atomic.AddInt64, sched.AddInt64}, {atomic.AddUint32, sched.AddUint32},
		{atomic.AddUint64, sched.AddUint64}, {atomic.AddUintptr, sched.AddUintptr},
		{atomic.AndInt32, sched.AndInt32}, {atomic.AndInt64, sched.AndInt64}, {atomic.AndUint32, sched.AndUint32},
		{atomic.AndUint64, sched.AndUint64}, {atomic.AndUintptr, sched.AndUintptr},
		{atomic.OrInt32, sched.OrInt32}, {atomic.OrInt64, sched.OrInt64}, {atomic.OrUint32, sched.OrUint32},
		{atomic.OrUint64, sched.OrUint64}, {atomic.OrUintptr, sched.OrUintptr},
		{atomic.LoadInt32, sched.LoadInt32}, {atomic.LoadInt64, sched.LoadInt64}, {atomic.LoadUint32, sched.LoadUint32},
		{atomic.LoadUint64, sched.LoadUint64}, {atomic.LoadUintptr, sched.LoadUintptr}, {atomic.LoadPointer, sched.LoadPointer},
		{atomic.StoreInt32, sched.StoreInt32}, {atomic.StoreInt64, sched.StoreInt64}, {atomic.StoreUint32, sched.StoreUint32},
		{atomic.StoreUint64, sched.StoreUint64}, {atomic.StoreUintptr, sched.StoreUintptr}, {atomic.StorePointer, sched.StorePointer},
		{atomic.SwapInt32, sched.SwapInt32}, {atomic.SwapInt64, sched.SwapInt64}, {atomic.SwapUint32, sched.SwapUint32},
		{atomic.SwapUint64, sched.SwapUint64}, {atomic.SwapUintptr, sched.SwapUintptr}, {atomic.SwapPointer, sched.SwapPointer},
		{atomic.CompareAndSwapInt32, sched.CompareAndSwapInt32}, {atomic.CompareAndSwapInt64, sched.CompareAndSwapInt64},
		{atomic.CompareAndSwapUint32, sched.CompareAndSwapUint32}, {atomic.CompareAndSwapUint64, sched.CompareAndSwapUint64},
		{atomic.CompareAndSwapUintptr, sched.CompareAndSwapUintptr}, {atomic.CompareAndSwapPointer, sched.CompareAndSwapPointer},
		{sync.NewCond, sched.NewCond}, {sync.OnceFunc, sched.OnceFunc},
		{sync.OnceValue[int], sched.OnceValue[int]}, {sync.OnceValues[int, error], sched.OnceValues[int, error]},
	}
	for _, f := range funcs {
		if std, ours := reflect.TypeOf(f[0]), reflect.TypeOf(f[1]); !same(std, ours, 0) {
			t.Errorf("%v: sched has %v", std, ours)
		}
	}
}
