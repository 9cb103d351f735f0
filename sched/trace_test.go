package sched

import "testing"

// TestTraceKeys checks the states the reduction tells apart: steps of
// different threads in either order reach the same state when they
// commute, and different ones when they conflict.
func TestTraceKeys(t *testing.T) {
	const x, y = 1, 2
	wx := func(th int) Access { return Access{Thread: th, Obj: x, Write: true} }
	wy := func(th int) Access { return Access{Thread: th, Obj: y, Write: true} }
	rx := func(th int) Access { return Access{Thread: th, Obj: x} }
	call := func(th int) Access { return Access{Thread: th, Call: true} }
	ret := func(a Access) Access { a.Return = true; return a }
	unknown := func(th int) Access { return Access{Thread: th} }
	key := func(steps ...Access) traceKey {
		var tr trace
		tr.reset()
		tr.note(steps, false)
		return tr.key([]int{0, 1})
	}
	for _, tc := range []struct {
		name string
		a, b []Access
		same bool
	}{
		{"different variables", []Access{wx(0), wy(1)}, []Access{wy(1), wx(0)}, true},
		{"two reads", []Access{rx(0), rx(1)}, []Access{rx(1), rx(0)}, true},
		{"two calls", []Access{call(0), call(1)}, []Access{call(1), call(0)}, true},
		{"commuting steps around a conflict", []Access{wy(1), wx(0), rx(1)}, []Access{wx(0), wy(1), rx(1)}, true},
		{"a write and a read", []Access{wx(0), rx(1)}, []Access{rx(1), wx(0)}, false},
		{"two writes", []Access{wx(0), wx(1)}, []Access{wx(1), wx(0)}, false},
		{"a return and a call", []Access{ret(wy(0)), call(1)}, []Access{call(1), ret(wy(0))}, false},
		{"an unknown step", []Access{unknown(0), wy(1)}, []Access{wy(1), unknown(0)}, false},
		{"more steps", []Access{wx(0)}, []Access{wx(0), wx(0)}, false},
		{"another thread", []Access{wx(0)}, []Access{wx(1)}, false},
	} {
		if got := key(tc.a...) == key(tc.b...); got != tc.same {
			t.Errorf("%s: same state %v, want %v", tc.name, got, tc.same)
		}
	}
	var tr trace
	tr.reset()
	started := tr.key([]int{0, 1})
	tr.start(1)
	if tr.key([]int{0, 1}) == started {
		t.Error("a thread that started is not told apart from one that has not")
	}
	if tr.key([]int{0, 1}) != tr.key([]int{1, 0}) || tr.key([]int{0, 1}) == tr.key([]int{0}) {
		t.Error("the state's key depends on the order of the runnable threads, or not on which can run")
	}
}
