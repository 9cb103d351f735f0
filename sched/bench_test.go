package sched_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// BenchmarkAtomic compares the instrumented primitives, with no controlled
// run active, to the raw ones they wrap. Compare with
//
//	go test -run XXX -bench Atomic -count 10 ./sched > out.txt
//	benchstat -col /impl out.txt
func BenchmarkAtomic(b *testing.B) {
	var raw atomic.Int64
	var ins sched.Int64
	var rawP atomic.Pointer[int]
	var insP sched.Pointer[int]
	x := new(int)
	ops := []struct {
		name      string
		raw, inst func()
	}{
		{"Load", func() { raw.Load() }, func() { ins.Load() }},
		{"Store", func() { raw.Store(1) }, func() { ins.Store(1) }},
		{"Add", func() { raw.Add(1) }, func() { ins.Add(1) }},
		{"CAS", func() { raw.CompareAndSwap(0, 0) }, func() { ins.CompareAndSwap(0, 0) }},
		{"PointerLoad", func() { rawP.Load() }, func() { insP.Load() }},
		{"PointerCAS", func() { rawP.CompareAndSwap(nil, x); rawP.Store(nil) }, func() { insP.CompareAndSwap(nil, x); insP.Store(nil) }},
	}
	for _, op := range ops {
		b.Run("op="+op.name+"/impl=raw", func(b *testing.B) {
			for b.Loop() {
				op.raw()
			}
		})
		b.Run("op="+op.name+"/impl=sched", func(b *testing.B) {
			for b.Loop() {
				op.inst()
			}
		})
	}
}

// BenchmarkMutex compares an uncontended sched.Mutex, outside controlled
// runs, with sync.Mutex: sched.Mutex is a channel, which synctest bubbles
// see as durably blocking.
func BenchmarkMutex(b *testing.B) {
	var raw sync.Mutex
	var ins sched.Mutex
	b.Run("impl=raw", func(b *testing.B) {
		for b.Loop() {
			raw.Lock()
			raw.Unlock()
		}
	})
	b.Run("impl=sched", func(b *testing.B) {
		for b.Loop() {
			ins.Lock()
			ins.Unlock()
		}
	})
}
