package sched_test

import (
	"fmt"
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
	ops := []benchOp{
		{"Load", func() { raw.Load() }, func() { ins.Load() }},
		{"Store", func() { raw.Store(1) }, func() { ins.Store(1) }},
		{"Add", func() { raw.Add(1) }, func() { ins.Add(1) }},
		{"CAS", func() { raw.CompareAndSwap(0, 0) }, func() { ins.CompareAndSwap(0, 0) }},
		{"PointerLoad", func() { rawP.Load() }, func() { insP.Load() }},
		{"PointerCAS", func() { rawP.CompareAndSwap(nil, x); rawP.Store(nil) }, func() { insP.CompareAndSwap(nil, x); insP.Store(nil) }},
	}
	compare(b, ops)
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

// BenchmarkAtomicMore compares the other atomic twins, outside controlled
// runs, with sync/atomic.
func BenchmarkAtomicMore(b *testing.B) {
	var raw32 atomic.Int32
	var ins32 sched.Int32
	var rawW, insW int64
	var rawB atomic.Bool
	var insB sched.Bool
	var rawV atomic.Value
	var insV sched.Value
	rawV.Store(1)
	insV.Store(1)
	ops := []benchOp{
		{"Int32Add", func() { raw32.Add(1) }, func() { ins32.Add(1) }},
		{"Int32Or", func() { raw32.Or(1) }, func() { ins32.Or(1) }},
		{"AddInt64", func() { atomic.AddInt64(&rawW, 1) }, func() { sched.AddInt64(&insW, 1) }},
		{"LoadInt64", func() { atomic.LoadInt64(&rawW) }, func() { sched.LoadInt64(&insW) }},
		{"CompareAndSwapInt64", func() { atomic.CompareAndSwapInt64(&rawW, 0, 0) }, func() { sched.CompareAndSwapInt64(&insW, 0, 0) }},
		{"BoolStore", func() { rawB.Store(true) }, func() { insB.Store(true) }},
		{"ValueLoad", func() { rawV.Load() }, func() { insV.Load() }},
	}
	compare(b, ops)
}

// BenchmarkSync compares the sync twins, uncontended and outside
// controlled runs, with sync.
func BenchmarkSync(b *testing.B) {
	var rawRW sync.RWMutex
	var insRW sched.RWMutex
	var rawWG sync.WaitGroup
	var insWG sched.WaitGroup
	var rawOnce sync.Once
	var insOnce sched.Once
	var rawMap sync.Map
	var insMap sched.Map
	rawChan, insChan := make(chan int, 1), sched.MakeChan[int](1)
	ops := []benchOp{
		{"RLock", func() { rawRW.RLock(); rawRW.RUnlock() }, func() { insRW.RLock(); insRW.RUnlock() }},
		{"RWLock", func() { rawRW.Lock(); rawRW.Unlock() }, func() { insRW.Lock(); insRW.Unlock() }},
		{"WaitGroup", func() { rawWG.Add(1); rawWG.Done(); rawWG.Wait() }, func() { insWG.Add(1); insWG.Done(); insWG.Wait() }},
		{"OnceDo", func() { rawOnce.Do(func() {}) }, func() { insOnce.Do(func() {}) }},
		{"MapLoad", func() { rawMap.Load(1) }, func() { insMap.Load(1) }},
		{"MapStore", func() { rawMap.Store(1, 1) }, func() { insMap.Store(1, 1) }},
		{"ChanSendRecv", func() { rawChan <- 1; <-rawChan }, func() { insChan.Send(1); insChan.Recv() }},
		{"SelectDefault", func() {
			select {
			case <-rawChan:
			default:
			}
		}, func() { sched.Select(true, insChan.RecvCase(nil, nil)) }},
	}
	compare(b, ops)
}

// BenchmarkRun measures a controlled execution of two threads of two
// atomic steps each (the lost update), the unit of every search.
func BenchmarkRun(b *testing.B) {
	src := sched.NewSource(1)
	for b.Loop() {
		sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(src)}, incTwice(new(lostUpdate))...)
	}
}

// benchOp is an operation done raw (std) and instrumented (sched).
type benchOp struct {
	name      string
	raw, inst func()
}

// compare runs each op as sub-benchmarks op=<name>/impl=raw|sched.
func compare(b *testing.B, ops []benchOp) {
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

// BenchmarkRunSteps measures controlled executions of two threads of n
// atomic increments each, recording choices only, as searches run: the
// allocations per execution must not grow with n (no allocation per
// scheduling point), and ns/op over 2n is the cost of a point.
func BenchmarkRunSteps(b *testing.B) {
	for _, n := range []int{2, 64, 512} {
		b.Run(fmt.Sprintf("steps=%d", 2*n), func(b *testing.B) {
			src := sched.NewSource(1)
			b.ReportAllocs()
			for b.Loop() {
				var v sched.Int64
				inc := func() {
					for range n {
						v.Add(1)
					}
				}
				sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(src), ChoicesOnly: true}, []func(){inc, inc})
			}
		})
	}
}
