package sched_test

import (
	"maps"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// lostUpdate is the article's counter bug: a load and a store that another
// thread can come between.
type lostUpdate struct{ v sched.Int64 }

func (c *lostUpdate) inc() { c.v.Store(c.v.Load() + 1) }

func incTwice(c *lostUpdate) [][]func() {
	return [][]func(){{c.inc, c.inc}}
}

func TestRunNoStrategyIsSerial(t *testing.T) {
	c := new(lostUpdate)
	e := sched.Execute(sched.Config{}, incTwice(c)...)
	if e.Outcome != sched.Completed {
		t.Fatalf("outcome %v, want completed", e.Outcome)
	}
	if got := c.v.Load(); got != 2 {
		t.Fatalf("value %d, want 2: choice 0 everywhere must run threads one after the other", got)
	}
	if e.Preemptions != 0 {
		t.Fatalf("preemptions %d, want 0", e.Preemptions)
	}
	if len(e.Events) != 4 {
		t.Fatalf("events %d, want 4 (two loads, two stores): %v", len(e.Events), e.Events)
	}
}

func TestExploreFindsLostUpdate(t *testing.T) {
	var lost, total int
	var first *sched.Execution
	var c *lostUpdate
	build := func() [][]func() { c = new(lostUpdate); return incTwice(c) }
	sched.Explore(sched.Config{}, 1, build, func(e *sched.Execution) bool {
		total++
		if c.v.Load() != 2 {
			lost++
			if first == nil {
				first = e
			}
		}
		return true
	})
	if lost == 0 {
		t.Fatalf("no lost update in %d executions", total)
	}
	if first.Preemptions != 1 {
		t.Fatalf("first lost update has %d preemptions, want 1", first.Preemptions)
	}
	// Replaying the schedule must give the same events.
	again := sched.Execute(sched.Config{Strategy: sched.NewReplay(sched.Picks(first))}, incTwice(new(lostUpdate))...)
	if i := sched.Diverge(first.Events, again.Events); i >= 0 {
		t.Fatalf("replay diverged at event %d", i)
	}
}

func TestExploreCountsSchedules(t *testing.T) {
	// Two threads of two atomic steps each: with no bound, the number of
	// interleavings of the four steps plus the decisions at the start of
	// each thread; with bound 0, only the two serial orders.
	count := func(bound int) int {
		n := 0
		sched.Explore(sched.Config{}, bound, func() [][]func() { return incTwice(new(lostUpdate)) }, func(*sched.Execution) bool {
			n++
			return true
		})
		return n
	}
	if got := count(0); got != 2 {
		t.Errorf("bound 0: %d executions, want 2", got)
	}
	if lo, hi := count(1), count(10); !(lo > 2 && hi >= lo) {
		t.Errorf("bound 1: %d, unbounded: %d executions; want 2 < bound-1 <= unbounded", lo, hi)
	}
}

func TestDeadlock(t *testing.T) {
	var a, b sched.Mutex
	ab := func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() }
	ba := func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() }
	found := false
	sched.Explore(sched.Config{}, 2, func() [][]func() {
		a, b = sched.Mutex{}, sched.Mutex{}
		return [][]func(){{ab, ba}}
	}, func(e *sched.Execution) bool {
		if e.Outcome == sched.Deadlocked {
			found = true
			if len(e.Waiters) != 2 {
				t.Errorf("deadlock with %d waiters, want 2", len(e.Waiters))
			}
			for _, w := range e.Waiters {
				if w.Blocked == 0 {
					t.Errorf("waiter %+v is not blocked on a mutex", w)
				}
			}
			return false
		}
		return true
	})
	if !found {
		t.Fatal("lock-order inversion: no deadlock found")
	}
}

func TestPanicIsReported(t *testing.T) {
	var v sched.Int64
	e := sched.Execute(sched.Config{}, []func(){func() { v.Add(1); panic("boom") }, func() { v.Add(1) }})
	if e.Outcome != sched.Panicked || e.Panic != "boom" {
		t.Fatalf("outcome %v panic %v, want panic boom", e.Outcome, e.Panic)
	}
	if !strings.Contains(e.PanicStack, "sched_test") {
		t.Fatalf("panic stack does not show the panicking function:\n%s", e.PanicStack)
	}
	// It starts where the panic did: the recovering frames are cut.
	lines := strings.Split(e.PanicStack, "\n")
	if !strings.HasPrefix(lines[0], "goroutine ") || !strings.Contains(lines[1], "TestPanicIsReported") {
		t.Fatalf("panic stack does not start at the panicking function:\n%s", e.PanicStack)
	}
}

func TestHangIsReported(t *testing.T) {
	block := make(chan struct{})
	var v sched.Int64
	e := sched.Execute(sched.Config{Watchdog: 50e6}, []func(){func() { v.Add(1); <-block }, func() { v.Add(1) }})
	close(block)
	if e.Outcome != sched.Hung {
		t.Fatalf("outcome %v, want hang", e.Outcome)
	}
	if !strings.Contains(e.Stacks, "TestHangIsReported") {
		t.Fatalf("hang stacks do not show the stuck goroutine")
	}
}

func TestGoIsManaged(t *testing.T) {
	var v sched.Int64
	e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(1))}, []func(){func() {
		sched.Go(func() { v.Add(1) })
		v.Add(1)
	}})
	if e.Outcome != sched.Completed || e.Threads != 2 || v.Load() != 2 {
		t.Fatalf("outcome %v threads %d value %d, want completed 2 2", e.Outcome, e.Threads, v.Load())
	}
}

func TestPhasesRunInOrder(t *testing.T) {
	var v sched.Int64
	var seen []int64
	e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(7))},
		[]func(){func() { v.Store(10) }},
		[]func(){func() { v.Add(1) }, func() { v.Add(1) }},
		[]func(){func() { seen = append(seen, v.Load()) }})
	if e.Outcome != sched.Completed || len(seen) != 1 || seen[0] != 12 {
		t.Fatalf("outcome %v seen %v, want completed [12]", e.Outcome, seen)
	}
}

// TestNilPhaseFunction checks that a nil function keeps its thread's
// number and runs nothing: a goroutine started in the threads' phase
// still takes the number after every phase's, runs to its end after
// the last thread returns though no later phase has a thread, and a
// goroutine blocked for good is still a deadlock.
func TestNilPhaseFunction(t *testing.T) {
	var v sched.Int64
	e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(3))},
		[]func(){func() { v.Store(10) }},
		[]func(){nil, func() {
			sched.Go(func() { v.Add(1); v.Add(1) })
			v.Add(1)
		}},
		[]func(){nil})
	if e.Outcome != sched.Completed || e.Threads != 3 || v.Load() != 13 {
		t.Fatalf("outcome %v threads %d value %d, want completed 3 13", e.Outcome, e.Threads, v.Load())
	}
	threads := map[int]int{}
	for _, ev := range e.Events {
		threads[ev.Thread]++
	}
	if want := map[int]int{0: 1, 2: 2, 4: 2}; !maps.Equal(threads, want) { // 2: Go and Add
		t.Errorf("operations by thread %v, want %v: thread 1 and 3 are nil, the goroutine is 4", threads, want)
	}
	ch := sched.MakeChan[int](0)
	e = sched.Execute(sched.Config{}, []func(){func() { sched.Go(func() { ch.Recv() }) }}, []func(){nil})
	if e.Outcome != sched.Deadlocked {
		t.Errorf("a goroutine blocked for good after the last thread: outcome %v, want deadlocked", e.Outcome)
	}
}

func TestSitesNameTheCaller(t *testing.T) {
	c := new(lostUpdate)
	e := sched.Execute(sched.Config{Sites: true}, []func(){c.inc})
	for _, ev := range e.Events {
		if site := ev.Site(); !strings.HasPrefix(site, "sched_test.(*lostUpdate).inc:") {
			t.Errorf("%s at %q, want sched_test.(*lostUpdate).inc:<line>", ev.Action(), site)
		}
	}
	e = sched.Execute(sched.Config{}, []func(){c.inc})
	if site := e.Events[0].Site(); site != "" {
		t.Errorf("site %q recorded without Config.Sites", site)
	}
}

// TestUnmanagedGoroutine (keep it the package's last test: some of its
// stray goroutines outlive it, and one that reaches a later test's run
// voids that run): goroutines started with a plain go statement
// that touch instrumented values, here outliving the runs that started
// them, pass for the running thread until one reaches a scheduling point
// while that thread waits its turn; then the run ends as Unmanaged. Real
// goroutines are not deterministic, so over 30 runs some must end that
// way, and none may end any other way than that, completed, or (about 1
// run in 500) hung: a stray that takes the running thread's turn can
// leave that thread waiting for a turn that was already given, which the
// scheduler cannot tell from a thread stuck outside its sight. A
// deadlock, a panic or a step limit would be a bug.
func TestUnmanagedGoroutine(t *testing.T) {
	caught := 0
	var x sched.Int64
	var stop atomic.Bool // stops the strays that are not stuck
	defer stop.Store(true)
	for seed := range uint64(30) {
		e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(seed)), Watchdog: 5e9},
			[]func(){
				func() {
					go func() {
						for i := 0; i < 200 && !stop.Load(); i++ {
							x.Add(1)
						}
					}()
					for range 20 {
						x.Add(1)
					}
				},
				func() {
					for range 20 {
						x.Add(1)
					}
				},
			})
		switch e.Outcome {
		case sched.Unmanaged:
			caught++
			if !strings.Contains(e.Stacks, "TestUnmanagedGoroutine") {
				t.Fatalf("the stacks do not show the stray goroutine")
			}
		case sched.Completed, sched.Hung:
		default:
			t.Fatalf("seed %d: outcome %v", seed, e.Outcome)
		}
	}
	if caught == 0 {
		t.Fatal("no stray goroutine was caught in 30 runs")
	}
}
