package sched_test

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/sched"
)

// TestCountWindows: a window is before a thread's write of a variable it
// has read since it last wrote it, or has written already in the same
// operation (here, with no operation marked, the whole thread); a Load,
// or a write of a variable neither read since nor written, is none.
func TestCountWindows(t *testing.T) {
	var x, y, other sched.Int64
	n := 0
	s := sched.CountWindows(sched.NewReplay(nil), &n)
	e := sched.Execute(sched.Config{Strategy: s}, [][]func(){{
		func() {
			y.Store(1)                    // none: y not read nor written
			x.Store(x.Load())             // the Load: none; the Store: a window
			x.Add(1)                      // a window: x written already
			y.CompareAndSwap(y.Load(), 2) // a window
		},
		func() { other.Load() }, // runnable all along, run at the end
	}}...)
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if n != 3 {
		t.Fatalf("%d windows, want 3", n)
	}
}

// TestWindowsMet: window-pct counts the windows it meets as CountWindows
// does, on random schedules of the program above; another strategy has
// no count.
func TestWindowsMet(t *testing.T) {
	src := sched.NewSource(1)
	total := 0
	for range 50 {
		var x, y, other sched.Int64
		w := sched.NewWindowPCT(src, 3, 12, 3)
		n := 0
		sched.Execute(sched.Config{Strategy: sched.CountWindows(w, &n)}, [][]func(){{
			func() {
				y.Store(1)
				x.Store(x.Load())
				x.Add(1)
				y.CompareAndSwap(y.Load(), 2)
			},
			func() { other.Load(); x.Add(1) },
		}}...)
		met, ok := sched.WindowsMet(w)
		if !ok || met != n {
			t.Fatalf("WindowsMet = %d, %v; CountWindows counted %d", met, ok, n)
		}
		total += n
	}
	if total == 0 {
		t.Fatal("no window met in 50 executions")
	}
	if _, ok := sched.WindowsMet(sched.NewRandomWalk(src)); ok {
		t.Fatal("a random walk has a window count")
	}
}

// TestCountWindowsInOperations: a second write of a variable is a window
// only within one operation of the scenario (between its call and its
// return), and so is a write of a shared variable (two threads have
// touched it) after a write of another shared one; a Mutex's Unlock after
// its Lock is none, nor a write after a write of a variable no other
// thread has touched.
func TestCountWindowsInOperations(t *testing.T) {
	var x, y, fresh, other sched.Int64
	var mu sched.Mutex
	op := func(body func()) {
		schedhook.BeginOp(nil, nil)
		body()
		schedhook.EndOp(nil)
	}
	n := 0
	s := sched.CountWindows(sched.NewReplay(nil), &n)
	e := sched.Execute(sched.Config{Strategy: s}, []func(){
		// Two earlier threads: x and y are shared.
		func() { x.Load(); y.Load() },
		func() { x.Load(); y.Load() },
	}, []func(){
		func() {
			op(func() { fresh.Add(-1); fresh.Add(1) }) // the second Add: a window
			op(func() { fresh.Add(1) })                // none: written by the operation before
			op(func() { mu.Lock(); mu.Unlock() })      // none
			op(func() { fresh.Add(1); x.Add(1) })      // none: fresh is not shared
			op(func() { x.Add(1); y.Add(1) })          // the Add of y: a window
		},
		func() { op(func() { other.Load() }) },
	})
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if n != 2 {
		t.Fatalf("%d windows, want 2", n)
	}
}

// values is a Source that returns its values in order, then zeros.
type values []int

func (v *values) Intn(n int) int {
	if len(*v) == 0 {
		return 0
	}
	x := (*v)[0]
	*v = (*v)[1:]
	return x % n
}

// TestWindowPCTKeepsTheFirstDemoted: a thread demoted at a window stays
// below a thread demoted at a later one, so that it stays interrupted
// while the other finishes (one preemption: b goes on after its own
// change point). With the later change point below the earlier one, as
// in PCT, a would run before b's store.
func TestWindowPCTKeepsTheFirstDemoted(t *testing.T) {
	// Change points at windows 0 and 1, an execution on windows (the
	// kind drawn is not 7), a higher priority for a than for b.
	src := &values{0, 1, 0, 5, 1}
	var x, y sched.Int64
	var order []string
	e := sched.Execute(sched.Config{Strategy: sched.NewWindowPCT(src, 2, 12, 2)}, []func(){
		func() { x.Store(x.Load() + 1); order = append(order, "a") },
		func() { y.Store(y.Load() + 1); order = append(order, "b") },
	})
	if e.Outcome != sched.Completed {
		t.Fatal(e.Outcome)
	}
	if e.Preemptions != 1 || !slices.Equal(order, []string{"b", "a"}) {
		t.Fatalf("%d preemptions, stores in the order %v: want 1, b then a", e.Preemptions, order)
	}
}

// TestWindowPCTSeesHalfDoneUpdates: a thread that moves a unit out of x
// and back into it under a lock, while another reads x without it, is
// seen half done by window-pct (with one window per execution, as the
// search would measure) in at least a quarter of 50 executions: the
// change point falls at the second write. Were that write no window, the
// executions on windows would have no change point and only the random
// walks and PCT over the steps would see it (3 of these 50).
func TestWindowPCTSeesHalfDoneUpdates(t *testing.T) {
	seen := 0
	for seed := range uint64(50) {
		var x sched.Int64
		var mu sched.Mutex
		var got int64
		e := sched.Execute(sched.Config{Strategy: sched.NewWindowPCT(sched.NewSource(seed), 2, 12, 1), ChoicesOnly: true}, []func(){
			func() { mu.Lock(); x.Add(-1); x.Add(1); mu.Unlock() },
			func() { got = x.Load() },
		})
		if e.Outcome != sched.Completed {
			t.Fatalf("seed %d: %v", seed, e.Outcome)
		}
		if got != 0 {
			seen++
		}
	}
	if seen*4 < 50 {
		t.Fatalf("%d of 50 executions read x half done, want at least a quarter", seen)
	}
}

// wokenLog follows a replay and keeps the threads that the decisions
// name as woken (Decision.Woken), with the windows CountWindows counts.
type wokenLog struct {
	s       sched.Strategy
	woken   []int
	windows int
}

func (w *wokenLog) Choose(d sched.Decision) int {
	w.woken = append(w.woken, d.Woken...)
	return w.s.Choose(d)
}

// TestWakeUpWindows: a Signal that readies a waiting thread, while the
// signaller can go on, is a window, and the decision names the thread
// woken; so is a Wait, with another thread able to run; a Mutex handed to
// a thread waiting to lock it is neither, nor a channel's receiver that a
// send serves.
func TestWakeUpWindows(t *testing.T) {
	t.Run("Signal", func(t *testing.T) {
		var mu sched.Mutex
		c := sched.NewCond(&mu)
		ready := false
		log := &wokenLog{}
		log.s = sched.CountWindows(sched.NewReplay(nil), &log.windows)
		e := sched.Execute(sched.Config{Strategy: log}, []func(){
			func() { // runs first, and waits
				mu.Lock()
				for !ready {
					c.Wait()
				}
				mu.Unlock()
			},
			func() { mu.Lock(); ready = true; c.Signal(); mu.Unlock() },
		})
		if e.Outcome != sched.Completed {
			t.Fatal(e.Outcome)
		}
		if !slices.Equal(log.woken, []int{0}) || log.windows != 2 {
			t.Fatalf("woken %v, %d windows; want [0], 2 (the Wait, the Signal)", log.woken, log.windows)
		}
	})
	t.Run("Unlock", func(t *testing.T) {
		var mu sched.Mutex
		var x sched.Int64
		log := &wokenLog{}
		// Thread 0 locks, then (the third decision) 1 runs and waits for
		// the lock, which 0 hands on.
		log.s = sched.CountWindows(sched.NewReplay([]int{0, 0, 1}), &log.windows)
		e := sched.Execute(sched.Config{Strategy: log}, []func(){
			func() { mu.Lock(); x.Store(1); mu.Unlock(); x.Load() },
			func() { mu.Lock(); mu.Unlock() },
		})
		if e.Outcome != sched.Completed {
			t.Fatal(e.Outcome)
		}
		if len(log.woken) != 0 || log.windows != 0 {
			t.Fatalf("woken %v, %d windows; want none", log.woken, log.windows)
		}
	})
	t.Run("Chan", func(t *testing.T) {
		ch := sched.MakeChan[int](0)
		var x sched.Int64
		log := &wokenLog{}
		log.s = sched.CountWindows(sched.NewReplay(nil), &log.windows)
		e := sched.Execute(sched.Config{Strategy: log}, []func(){
			func() { ch.Recv() }, // runs first, and waits
			func() { ch.Send(1); x.Store(1) },
		})
		if e.Outcome != sched.Completed {
			t.Fatal(e.Outcome)
		}
		if len(log.woken) != 0 || log.windows != 0 {
			t.Fatalf("woken %v, %d windows; want none: a channel operation's wake-up is no window (chanRun.fire)", log.woken, log.windows)
		}
	})
}

// TestWindowPCTLosesTheWakeup: two threads wait for an item each, and a
// third puts two but signals only for the first (the lost wakeup of
// examples/blocking). Window-pct, demoting the woken thread at the
// Signal, has the putter go on to its second put before the woken taker
// takes; then the second taker waits for good, with an item there. It
// does so in at least a fifth of 60 executions with a window per
// execution (a third of them give the putter the lowest priority, as
// the bug needs); PCT over 40 steps, in 2.
func TestWindowPCTLosesTheWakeup(t *testing.T) {
	lost := func(s sched.Strategy) bool {
		var mu sched.Mutex
		c := sched.NewCond(&mu)
		var items int
		take := func() {
			mu.Lock()
			for items == 0 {
				c.Wait()
			}
			items--
			mu.Unlock()
		}
		put := func() {
			mu.Lock()
			items++
			if items == 1 {
				c.Signal()
			}
			mu.Unlock()
		}
		e := sched.Execute(sched.Config{Strategy: s, ChoicesOnly: true}, []func(){take, take, func() { put(); put() }})
		return e.Outcome == sched.Deadlocked && items > 0
	}
	windows, steps := failures(lost)
	t.Logf("lost the wakeup in %d of 60 executions under window-pct, %d under PCT", windows, steps)
	if windows*5 < 60 {
		t.Fatalf("window-pct lost the wakeup in %d of 60 executions, want at least a fifth", windows)
	}
}

// TestWindowPCTMissesTheSignal: a waiter checks a flag under the lock,
// then waits; the opener sets the flag and broadcasts without the lock
// (examples/blocking's Gate.OpenUnlocked). Window-pct, demoting the
// waiter at its Wait, lets the broadcast come between its check and its
// Wait, and the waiter sleeps for good, in at least a fifth of 60
// executions with a window per execution; PCT over 40 steps, in fewer.
func TestWindowPCTMissesTheSignal(t *testing.T) {
	missed := func(s sched.Strategy) bool {
		var mu sched.Mutex
		c := sched.NewCond(&mu)
		open := false
		e := sched.Execute(sched.Config{Strategy: s, ChoicesOnly: true}, []func(){
			func() {
				mu.Lock()
				for !open {
					c.Wait()
				}
				mu.Unlock()
			},
			func() { open = true; c.Broadcast() },
		})
		return e.Outcome == sched.Deadlocked
	}
	windows, steps := failures(missed)
	t.Logf("missed the signal in %d of 60 executions under window-pct, %d under PCT", windows, steps)
	if windows*5 < 60 || windows <= steps {
		t.Fatalf("window-pct missed the signal in %d of 60 executions (PCT %d), want at least a fifth, and more than PCT", windows, steps)
	}
}

// failures runs fails under window-pct (one window per execution) and
// under PCT over 40 steps, depth 3, with seeds 0 to 59, and counts the
// executions that failed under each.
func failures(fails func(sched.Strategy) bool) (windows, steps int) {
	for seed := range uint64(60) {
		if fails(sched.NewWindowPCT(sched.NewSource(seed), 3, 40, 1)) {
			windows++
		}
		if fails(sched.NewPCT(sched.NewSource(seed), 3, 40)) {
			steps++
		}
	}
	return windows, steps
}
