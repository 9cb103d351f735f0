package sched_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/sched"
)

// reductionPrograms are small programs for the sleep-set reduction: each
// build returns the phases and a function that reports, after the run,
// the values the program computed.
var reductionPrograms = []struct {
	name  string
	build func() ([][]func(), func() string)
}{
	{"lost update", func() ([][]func(), func() string) {
		// Two increments of a shared counter, each also counting its own
		// work in a private variable: the private steps commute with
		// everything.
		var v, a, b sched.Int64
		inc := func(own *sched.Int64) func() {
			return func() {
				own.Add(1)
				v.Store(v.Load() + 1)
				own.Add(1)
			}
		}
		return [][]func(){{inc(&a), inc(&b)}}, func() string { return fmt.Sprint(v.Load(), a.Load(), b.Load()) }
	}},
	{"check-then-act under a mutex", func() ([][]func(), func() string) {
		var mu sched.Mutex
		var bal, spent sched.Int64
		bal.Store(1)
		withdraw := func() {
			mu.Lock()
			ok := bal.Load() >= 1
			mu.Unlock()
			if ok {
				spent.Add(1)
				mu.Lock()
				bal.Add(-1)
				mu.Unlock()
			}
		}
		return [][]func(){{withdraw, withdraw}}, func() string { return fmt.Sprint(bal.Load(), spent.Load()) }
	}},
	{"three threads, one read-only", func() ([][]func(), func() string) {
		var x, y, z sched.Int64
		var r1, r2, r3 int64
		return [][]func(){{
				func() { x.Store(1); y.Store(1) },
				func() { z.Store(2); y.Store(2) },
				func() { r1 = x.Load(); r2 = y.Load(); r3 = z.Load() },
			}}, func() string {
				return fmt.Sprint(x.Load(), y.Load(), z.Load(), r1, r2, r3)
			}
	}},
	{"readers and a writer", func() ([][]func(), func() string) {
		var x, y sched.Int64
		var a1, a2, b1, b2 int64
		return [][]func(){{
			func() { a1 = x.Load(); a2 = y.Load() },
			func() { b1 = y.Load(); b2 = x.Load() },
			func() { x.Store(1); y.Store(1) },
		}}, func() string { return fmt.Sprint(a1, a2, b1, b2) }
	}},
	{"operations' calls and returns", func() ([][]func(), func() string) {
		// Operations as the harness runs them, with a history stamped
		// at calls and returns: what a linearizability check sees of
		// it is which operation returned before which was called.
		var x, y sched.Int64
		h := new(stampedOps)
		op := h.op
		return [][]func(){{
				func() {
					op(0, func() int64 { return x.Add(1) })
					op(1, func() int64 { return y.Load() })
				},
				func() {
					op(2, func() int64 { y.Store(1); return 0 })
					op(3, func() int64 { return x.Load() + y.Load() })
				},
			}}, func() string {
				var before []string
				for i := range h.call {
					for j := range h.call {
						if h.before(i, j) {
							before = append(before, fmt.Sprint(i, "<", j))
						}
					}
				}
				return fmt.Sprint(h.got, before)
			}
	}},
	{"goroutines, a channel and a wait group", func() ([][]func(), func() string) {
		// Spawned threads, blocking and waking: the steps the reduction
		// cannot see into, between atomic ones it can.
		var x, y, n sched.Int64
		var wg sched.WaitGroup
		ch := sched.MakeChan[int64](1)
		var got, seen int64
		return [][]func(){{
			func() {
				wg.Add(1)
				sched.Go(func() { n.Add(1); x.Store(1); ch.Send(y.Load()); wg.Done() })
				n.Add(1)
				y.Store(1)
				seen = x.Load()
				got = ch.Recv()
				wg.Wait()
			},
			func() { n.Add(1); y.Store(2) },
		}}, func() string { return fmt.Sprint(x.Load(), y.Load(), n.Load(), got, seen) }
	}},
	{"readers and a writer under an RWMutex", func() ([][]func(), func() string) {
		// Read locks held together, a write lock alone, and a counter
		// outside both.
		var rw sched.RWMutex
		var x, y, n sched.Int64
		var a1, a2, b1, b2 int64
		read := func(p, q *int64) func() {
			return func() {
				n.Add(1)
				rw.RLock()
				*p = x.Load()
				*q = y.Load()
				rw.RUnlock()
			}
		}
		return [][]func(){{
			read(&a1, &a2),
			read(&b1, &b2),
			func() { rw.Lock(); x.Store(1); y.Store(1); rw.Unlock(); n.Add(1) },
		}}, func() string { return fmt.Sprint(a1, a2, b1, b2, n.Load()) }
	}},
	{"a mutex, an unbuffered channel and a panic", func() ([][]func(), func() string) {
		// A hand-off on a channel, a lock around a check-then-act, and
		// an overdraft that panics in some schedules only.
		var mu sched.Mutex
		var bal, moved sched.Int64
		bal.Store(1)
		ch := sched.MakeChan[int64](0)
		take := func() {
			mu.Lock()
			ok := bal.Load() > 0
			mu.Unlock()
			if ok {
				if bal.Add(-1) < 0 {
					panic("overdrawn")
				}
			}
		}
		var got int64
		return [][]func(){{
			func() { take(); ch.Send(moved.Add(1)) },
			func() { take(); got = ch.Recv() },
		}}, func() string { return fmt.Sprint(bal.Load(), moved.Load(), got) }
	}},
	{"a select over two channels", func() ([][]func(), func() string) {
		// Decisions among a select's cases, and a sender left blocked
		// for good: a deadlock in every schedule, of either sender.
		a, b := sched.MakeChan[int64](0), sched.MakeChan[int64](0)
		var x sched.Int64
		var v, w, which, seen int64
		return [][]func(){{
			func() {
				which = int64(sched.Select(false, a.RecvCase(&v, nil), b.RecvCase(&w, nil)))
				seen = x.Load()
			},
			func() { x.Store(1); a.Send(1) },
			func() { x.Add(2); b.Send(2) },
		}}, func() string { return fmt.Sprint(which, v, w, seen) }
	}},
	{"a lock held across a preemption", func() ([][]func(), func() string) {
		// Found by TestReductionKeepsOutcomesOfRandomPrograms: with the
		// third thread preempted holding mu, the second's Lock blocks,
		// a switch that costs nothing, and the outcome below takes 2
		// preemptions; the sleep sets took 3 when the blocked Lock did
		// not wake the thread that holds mu.
		var x, y sched.Int64
		var mu sched.Mutex
		var r [6]int64
		inc := func(v *sched.Int64) int64 {
			mu.Lock()
			defer mu.Unlock()
			n := v.Load()
			v.Store(n + 1)
			return n
		}
		return [][]func(){{
			func() { r[0] = x.Load(); r[1] = y.Load() },
			func() { r[2] = inc(&x); x.Store(2); r[3] = y.Add(2) },
			func() { r[4] = inc(&x); y.Add(1); r[5] = inc(&y) },
		}}, func() string { return fmt.Sprint(x.Load(), y.Load(), r) }
	}},
}

// explore runs the program under every schedule within bound, with the
// reduction or without, and returns the outcomes reached with the fewest
// preemptions each reached them with, and the number of executions.
func exploreOutcomes(build func() ([][]func(), func() string), bound int, reduce bool) (map[string]int, int) {
	x := sched.NewExplorer(bound, reduce)
	seen := map[string]int{}
	n := 0
	for {
		phases, result := build()
		e := sched.Execute(sched.Config{Strategy: x.Strategy(), ChoicesOnly: true}, phases...)
		n++
		k := e.Outcome.String() + " " + result()
		if p, ok := seen[k]; !ok || e.Preemptions < p {
			seen[k] = e.Preemptions
		}
		if !x.Advance() {
			return seen, n
		}
	}
}

// TestSleepSetsKeepOutcomes checks the reduction's soundness on small
// programs: at every bound, it reaches every outcome the full enumeration
// reaches, with as few preemptions, in no more executions, and in fewer
// from two preemptions on (with one, the schedules after the preemption
// run without a choice, and sleep sets prune at choices).
func TestSleepSetsKeepOutcomes(t *testing.T) {
	for _, p := range reductionPrograms {
		for bound := 0; bound <= 4; bound++ {
			full, nFull := exploreOutcomes(p.build, bound, false)
			red, nRed := exploreOutcomes(p.build, bound, true)
			t.Logf("%s, bound %d: %d schedules, %d reduced (%.1fx), %d outcomes", p.name, bound, nFull, nRed, float64(nFull)/float64(nRed), len(full))
			if !maps.Equal(full, red) {
				t.Errorf("%s, bound %d: outcomes (fewest preemptions) differ:\nfull    %v\nreduced %v", p.name, bound, sorted(full), sorted(red))
			}
			if nRed > nFull || bound >= 2 && nRed == nFull {
				t.Errorf("%s, bound %d: %d executions reduced, %d without", p.name, bound, nRed, nFull)
			}
		}
	}
}

func sorted(m map[string]int) []string {
	var s []string
	for k, v := range m {
		s = append(s, fmt.Sprintf("%s@%d", k, v))
	}
	slices.Sort(s)
	return s
}

// TestExplorerUnreducedIsExplore checks that the Explorer without
// reduction runs the schedules Explore runs, in the same order.
func TestExplorerUnreducedIsExplore(t *testing.T) {
	build := func() [][]func() { return incTwice(new(lostUpdate)) }
	var want []uint64
	sched.Explore(sched.Config{}, 2, build, func(e *sched.Execution) bool { want = append(want, e.Fingerprint); return true })
	var got []uint64
	x := sched.NewExplorer(2, false)
	for {
		got = append(got, sched.Execute(sched.Config{Strategy: x.Strategy()}, build()...).Fingerprint)
		if !x.Advance() {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Explorer ran %d schedules, Explore %d, or in another order", len(got), len(want))
	}
}

// stampedOps runs four operations as the harness does, with a history
// stamped at their calls and returns: what a linearizability check sees
// of an execution is what each returned and which returned before which
// was called.
type stampedOps struct {
	clock          int64
	call, ret, got [4]int64
}

// op runs operation k, body, between its call and its return.
func (h *stampedOps) op(k int, body func() int64) {
	schedhook.BeginOp(nil, nil)
	h.clock++
	h.call[k] = h.clock
	h.got[k] = body()
	h.clock++
	h.ret[k] = h.clock
	schedhook.EndOp(nil)
}

// before reports whether operation i returned before j was called.
func (h *stampedOps) before(i, j int) bool { return h.ret[i] < h.call[j] }
