package sched_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// outcomes explores every schedule of build's program with at most bound
// preemptions and returns, by outcome, how many executions ended that way
// and how many of the completed ones check rejected.
func outcomes(t *testing.T, bound int, build func() [][]func(), check func() bool) (counts map[sched.Outcome]int, bad int, deadlock *sched.Execution) {
	t.Helper()
	counts = map[sched.Outcome]int{}
	sched.Explore(sched.Config{}, bound, build, func(e *sched.Execution) bool {
		counts[e.Outcome]++
		switch e.Outcome {
		case sched.Completed:
			if check != nil && !check() {
				bad++
			}
		case sched.Deadlocked:
			if deadlock == nil {
				deadlock = e
			}
		default:
			t.Fatalf("outcome %v: %v", e.Outcome, e.Panic)
		}
		return true
	})
	return counts, bad, deadlock
}

// recovered runs f and returns what it panicked with, or nil.
func recovered(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// TestSyncMatchesStd runs the same sequence on each sync primitive and its
// twin, outside a controlled run and inside one (a single thread, so that
// no operation blocks), and compares the results, panics included.
func TestSyncMatchesStd(t *testing.T) {
	type locker interface {
		sync.Locker
		RLock()
		RUnlock()
		TryLock() bool
		TryRLock() bool
		RLocker() sync.Locker
	}
	rw := func(m locker) []any {
		r := []any{m.TryRLock(), m.TryRLock(), m.TryLock()}
		m.RUnlock()
		m.RUnlock()
		r = append(r, m.TryLock(), m.TryRLock())
		m.Unlock()
		m.RLocker().Lock()
		r = append(r, m.TryLock(), m.TryRLock())
		m.RUnlock()
		m.RLocker().Unlock()
		m.Lock()
		m.Unlock()
		m.RLock()
		m.RUnlock()
		return append(r, m.TryLock())
	}
	type group interface {
		Add(int)
		Done()
		Wait()
		Go(func())
	}
	wg := func(g group) []any {
		g.Add(2)
		g.Done()
		g.Done()
		g.Wait()
		n := 0
		g.Go(func() { n++ })
		g.Wait()
		return []any{n, recovered(func() { g.Done() })}
	}
	type oncer interface{ Do(func()) }
	once := func(o oncer) []any {
		n := 0
		o.Do(func() { n++ })
		o.Do(func() { n += 10 })
		return []any{n}
	}
	onceFuncs := func(of func(func()) func(), ov func(func() int) func() int, ovs func(func() (int, error)) func() (int, error)) []any {
		n := 0
		f := of(func() { n++; panic("boom") })
		r := []any{recovered(f), recovered(f), n}
		v := ov(func() int { n++; return n })
		r = append(r, v(), v(), n)
		vs := ovs(func() (int, error) { n++; return n, fmt.Errorf("e%d", n) })
		a, err := vs()
		b, err2 := vs()
		return append(r, a, err.Error(), b, err == err2, n)
	}
	type mapper interface {
		Load(key any) (any, bool)
		Store(key, value any)
		LoadOrStore(key, value any) (any, bool)
		LoadAndDelete(key any) (any, bool)
		Delete(any)
		Swap(key, value any) (any, bool)
		CompareAndSwap(key, old, new any) bool
		CompareAndDelete(key, old any) bool
		Range(func(key, value any) bool)
		Clear()
	}
	maps := func(m mapper) []any {
		var r []any
		add := func(vs ...any) { r = append(r, vs...) }
		add(m.Load("a"))
		m.Store("a", 1)
		add(m.Load("a"))
		add(m.LoadOrStore("a", 2))
		add(m.LoadOrStore("b", 3))
		add(m.Swap("b", 4))
		add(m.Swap("c", 5))
		add(m.CompareAndSwap("c", 6, 7), m.CompareAndSwap("c", 5, 7), m.CompareAndSwap("z", nil, 1))
		add(m.CompareAndDelete("b", 3), m.CompareAndDelete("b", 4), m.CompareAndDelete("z", nil))
		add(m.LoadAndDelete("a"))
		add(m.LoadAndDelete("a"))
		m.Store("d", 8)
		m.Delete("x")
		var seen []string
		m.Range(func(k, v any) bool { seen = append(seen, fmt.Sprint(k, v)); return true })
		slices.Sort(seen)
		add(fmt.Sprint(seen))
		n := 0
		m.Range(func(k, v any) bool { n++; return false })
		add(n)
		m.Clear()
		add(m.Load("c"))
		return r
	}
	for _, tc := range []struct {
		name      string
		std, ours func() []any
	}{
		{"RWMutex", func() []any { return rw(new(sync.RWMutex)) }, func() []any { return rw(new(sched.RWMutex)) }},
		{"WaitGroup", func() []any { return wg(new(sync.WaitGroup)) }, func() []any { return wg(new(sched.WaitGroup)) }},
		{"Once", func() []any { return once(new(sync.Once)) }, func() []any { return once(new(sched.Once)) }},
		{"OnceFunc", func() []any { return onceFuncs(sync.OnceFunc, sync.OnceValue[int], sync.OnceValues[int, error]) },
			func() []any { return onceFuncs(sched.OnceFunc, sched.OnceValue[int], sched.OnceValues[int, error]) }},
		{"Map", func() []any { return maps(new(sync.Map)) }, func() []any { return maps(new(sched.Map)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.std()
			if got := tc.ours(); !slices.Equal(got, want) {
				t.Errorf("outside a run: %v\nstd: %v", got, want)
			}
			var got []any
			e := sched.Execute(sched.Config{}, []func(){func() { got = tc.ours() }})
			if e.Outcome != sched.Completed || !slices.Equal(got, want) {
				t.Errorf("in a run: %v %v\nstd: %v", e.Outcome, got, want)
			}
		})
	}
}

// TestMisusePanicsLikeStd: the misuses that sync reports with a panic
// panic with the same message, in and outside a run. (An unlock of an
// unlocked RWMutex is a fatal error in sync, which cannot be compared.)
func TestMisusePanicsLikeStd(t *testing.T) {
	for _, tc := range []struct {
		name string
		std  func()
		ours func()
	}{
		{"negative WaitGroup", func() { new(sync.WaitGroup).Add(-1) }, func() { new(sched.WaitGroup).Add(-1) }},
		{"Value store nil", func() { new(atomic.Value).Store(nil) }, func() { new(sched.Value).Store(nil) }},
		{"Value inconsistent", func() { var v atomic.Value; v.Store(1); v.Store("a") }, func() { var v sched.Value; v.Store(1); v.Store("a") }},
		{"Map uncomparable, not compared", func() { var m sync.Map; m.Store(1, 1); m.CompareAndSwap(1, []int{}, 2) }, func() { var m sched.Map; m.Store(1, 1); m.CompareAndSwap(1, []int{}, 2) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := fmt.Sprint(recovered(tc.std))
			if got := fmt.Sprint(recovered(tc.ours)); got != want {
				t.Errorf("outside a run: panic %q, std %q", got, want)
			}
			e := sched.Execute(sched.Config{}, []func(){tc.ours})
			if fmt.Sprint(e.Panic) != want || (e.Outcome == sched.Panicked) != (want != "<nil>") {
				t.Errorf("in a run: %v %v, std panics %q", e.Outcome, e.Panic, want)
			}
		})
	}
}

// blocked reports whether any event of e is a thread blocking.
func blocked(e *sched.Execution) bool {
	return slices.ContainsFunc(e.Events, func(ev sched.Event) bool { return ev.Kind == sched.KindBlock })
}

// TestBlockingAndWakeUp: in every schedule up to two preemptions, each
// primitive makes a goroutine wait where sync's would (some schedule
// blocks) and wakes it (every execution completes), and what it protects
// holds.
func TestBlockingAndWakeUp(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func() (program [][]func(), check func() bool)
	}{
		{"RWMutex", func() ([][]func(), func() bool) {
			var mu sched.RWMutex
			n, torn := 0, false
			write := func() { mu.Lock(); n++; sched.Yield("in"); n++; mu.Unlock() }
			read := func() { mu.RLock(); torn = torn || n%2 != 0; mu.RUnlock() }
			return [][]func(){{write, write, read, read}}, func() bool { return n == 4 && !torn }
		}},
		{"WaitGroup", func() ([][]func(), func() bool) {
			var wg sched.WaitGroup
			var n sched.Int32
			seen := int32(-1)
			return [][]func(){{func() {
				wg.Add(1)
				sched.Go(func() { n.Add(1); wg.Done() })
				wg.Go(func() { n.Add(1) })
				wg.Wait()
				seen = n.Load()
			}}}, func() bool { return seen == 2 }
		}},
		{"Cond", func() ([][]func(), func() bool) {
			var mu sched.Mutex
			c := sched.NewCond(&mu)
			ready, got := 0, 0
			consume := func() {
				mu.Lock()
				for ready == 0 {
					c.Wait()
				}
				ready--
				got++
				mu.Unlock()
			}
			produce := func() { mu.Lock(); ready += 2; c.Broadcast(); mu.Unlock() }
			return [][]func(){{consume, consume, produce}}, func() bool { return got == 2 && ready == 0 }
		}},
		{"Once", func() ([][]func(), func() bool) {
			var once sched.Once
			var calls, after sched.Int32
			do := func() {
				once.Do(func() { sched.Yield("init"); calls.Add(1) })
				after.Add(calls.Load()) // f has returned for everyone
			}
			return [][]func(){{do, do}}, func() bool { return calls.Load() == 1 && after.Load() == 2 }
		}},
		{"Map", func() ([][]func(), func() bool) {
			var m sched.Map
			var a, b any
			return [][]func(){{func() { a, _ = m.LoadOrStore("k", 1) }, func() { b, _ = m.LoadOrStore("k", 2) }}},
				func() bool { v, _ := m.Load("k"); return a == b && a == v }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var check func() bool
			blocks := 0
			n := sched.Explore(sched.Config{}, 2, func() [][]func() {
				var p [][]func()
				p, check = tc.build()
				return p
			}, func(e *sched.Execution) bool {
				if e.Outcome != sched.Completed {
					t.Fatalf("outcome %v %v\n%v\n%s", e.Outcome, e.Panic, e.Waiters, e.Stacks)
				}
				if !check() {
					t.Fatalf("check failed after %v", e.Events)
				}
				if blocked(e) {
					blocks++
				}
				return true
			})
			if blocks == 0 && tc.name != "Map" {
				t.Fatalf("no goroutine blocked in %d executions", n)
			}
		})
	}
}

// TestDeadlocks: each program deadlocks under some schedule, and the run
// says which primitive each goroutine waits for; its correct variant
// never does.
func TestDeadlocks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bug, fix func() [][]func()
		op       string // the operation a waiter is blocked in
	}{
		{"RWMutex lock order",
			func() [][]func() {
				var a, b sched.RWMutex
				return [][]func(){{func() { a.Lock(); b.RLock(); b.RUnlock(); a.Unlock() }, func() { b.Lock(); a.RLock(); a.RUnlock(); b.Unlock() }}}
			},
			func() [][]func() {
				var a, b sched.RWMutex
				return [][]func(){{func() { a.Lock(); b.RLock(); b.RUnlock(); a.Unlock() }, func() { a.RLock(); b.Lock(); b.Unlock(); a.RUnlock() }}}
			}, "RLock"},
		{"recursive RLock with a writer waiting",
			func() [][]func() {
				var mu sched.RWMutex
				return [][]func(){{func() { mu.RLock(); mu.RLock(); mu.RUnlock(); mu.RUnlock() }, func() { mu.Lock(); mu.Unlock() }}}
			},
			func() [][]func() {
				var mu sched.RWMutex
				return [][]func(){{func() { mu.RLock(); mu.RUnlock() }, func() { mu.Lock(); mu.Unlock() }}}
			}, "RLock"},
		{"WaitGroup with a Done missing",
			func() [][]func() {
				var wg sched.WaitGroup
				return [][]func(){{func() { wg.Add(2); sched.Go(wg.Done); wg.Wait() }}}
			},
			func() [][]func() {
				var wg sched.WaitGroup
				return [][]func(){{func() { wg.Add(2); sched.Go(wg.Done); sched.Go(wg.Done); wg.Wait() }}}
			}, "Wait"},
		{"Cond missed wakeup",
			condWaiter(func(mu *sched.Mutex, c *sched.Cond, ready *bool) {
				mu.Lock()
				r := *ready
				mu.Unlock()
				if !r { // checked without the lock held until Wait
					mu.Lock()
					c.Wait()
					mu.Unlock()
				}
			}),
			condWaiter(func(mu *sched.Mutex, c *sched.Cond, ready *bool) {
				mu.Lock()
				for !*ready {
					c.Wait()
				}
				mu.Unlock()
			}), "Wait"},
		{"Once calling itself",
			func() [][]func() {
				var once sched.Once
				return [][]func(){{func() { once.Do(func() { once.Do(func() {}) }) }}}
			},
			func() [][]func() {
				var once, inner sched.Once
				return [][]func(){{func() { once.Do(func() { inner.Do(func() {}) }) }}}
			}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counts, _, d := outcomes(t, 2, tc.bug, nil)
			if d == nil {
				t.Fatalf("no deadlock in %v", counts)
			}
			for _, w := range d.Waiters {
				if w.Blocked == 0 || w.Last.Kind != sched.KindBlock || w.Last.Text != tc.op && !(tc.op == "RLock" && w.Last.Text == "") {
					t.Errorf("waiter %+v: want blocked in %q on a primitive", w, tc.op)
				}
			}
			counts, _, _ = outcomes(t, 2, tc.fix, nil)
			if counts[sched.Deadlocked] > 0 || counts[sched.Completed] == 0 {
				t.Fatalf("correct variant: %v", counts)
			}
		})
	}
}

// condWaiter is a program of two threads: wait waits for ready, the other
// sets it and signals.
func condWaiter(wait func(mu *sched.Mutex, c *sched.Cond, ready *bool)) func() [][]func() {
	return func() [][]func() {
		var mu sched.Mutex
		c := sched.NewCond(&mu)
		ready := false
		return [][]func(){{func() { wait(&mu, c, &ready) }, func() { mu.Lock(); ready = true; c.Signal(); mu.Unlock() }}}
	}
}

// TestExploreFindsSyncBugs: exhaustive exploration finds each classic bug,
// which the correct variant does not show.
func TestExploreFindsSyncBugs(t *testing.T) {
	type program func() (threads []func(), ok func() bool)
	for _, tc := range []struct {
		name     string
		bug, fix program
	}{
		{"check-then-act under RLock", func() ([]func(), func() bool) {
			var mu sched.RWMutex
			var m map[string]int
			inits := 0
			get := func() {
				mu.RLock()
				_, ok := m["k"]
				mu.RUnlock()
				if !ok {
					mu.Lock()
					m = map[string]int{"k": 1}
					inits++
					mu.Unlock()
				}
			}
			return []func(){get, get}, func() bool { return inits == 1 }
		}, func() ([]func(), func() bool) {
			var mu sched.RWMutex
			var m map[string]int
			inits := 0
			get := func() {
				mu.Lock()
				if _, ok := m["k"]; !ok {
					m = map[string]int{"k": 1}
					inits++
				}
				mu.Unlock()
			}
			return []func(){get, get}, func() bool { return inits == 1 }
		}},
		{"WaitGroup.Add in the goroutine", func() ([]func(), func() bool) {
			var wg sched.WaitGroup
			var n sched.Int32
			seen := int32(-1)
			return []func(){func() {
				sched.Go(func() { wg.Add(1); n.Add(1); wg.Done() })
				wg.Wait()
				seen = n.Load()
			}}, func() bool { return seen == 1 }
		}, func() ([]func(), func() bool) {
			var wg sched.WaitGroup
			var n sched.Int32
			seen := int32(-1)
			return []func(){func() {
				wg.Add(1)
				sched.Go(func() { n.Add(1); wg.Done() })
				wg.Wait()
				seen = n.Load()
			}}, func() bool { return seen == 1 }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(p program) (map[sched.Outcome]int, int) {
				var ok func() bool
				counts, bad, _ := outcomes(t, 2, func() [][]func() {
					var threads []func()
					threads, ok = p()
					return [][]func(){threads}
				}, func() bool { return ok() })
				return counts, bad
			}
			if counts, bad := run(tc.bug); bad == 0 {
				t.Errorf("bug not found in %v", counts)
			}
			if counts, bad := run(tc.fix); bad > 0 || counts[sched.Completed] == 0 {
				t.Errorf("correct variant fails %d times in %v", bad, counts)
			}
		})
	}
}

// TestTryFailureReads: a failed TryLock or TryRLock reads as such in the
// trace, not as a wait.
func TestTryFailureReads(t *testing.T) {
	var mu sched.Mutex
	var rw sched.RWMutex
	e := sched.Execute(sched.Config{}, []func(){func() {
		mu.Lock()
		mu.TryLock()
		rw.Lock()
		rw.TryRLock()
		rw.TryLock()
	}})
	got := actions(e)
	want := []string{"Lock m1", "TryLock m1: held", "Lock m2", "TryRLock m2: held", "TryLock m2: held"}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}
