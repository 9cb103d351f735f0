package sched_test

import (
	"fmt"
	"maps"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/sched"
)

// TestReductionCutsSchedules fails if the reduction stops working: over
// the programs of TestSleepSetsKeepOutcomes at bound 4, it must run at
// most a fifth of the schedules the full enumeration runs, and a half of
// each program's. Sleep sets alone ran 24,716 of 92,177 (3.7x), and less
// than half on two programs; with the states remembered by their trace,
// 7,657 (12.0x).
func TestReductionCutsSchedules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 100,000 schedules")
	}
	const bound = 4
	full, reduced := 0, 0
	for _, p := range reductionPrograms {
		_, nFull := exploreOutcomes(p.build, bound, false)
		_, nRed := exploreOutcomes(p.build, bound, true)
		t.Logf("%s: %d schedules, %d reduced (%.1fx)", p.name, nFull, nRed, float64(nFull)/float64(nRed))
		if 2*nRed > nFull {
			t.Errorf("%s: %d schedules reduced, %d without: not half", p.name, nRed, nFull)
		}
		full += nFull
		reduced += nRed
	}
	t.Logf("in all: %d schedules, %d reduced (%.1fx)", full, reduced, float64(full)/float64(reduced))
	if 5*reduced > full {
		t.Errorf("%d schedules reduced, %d without: not a fifth", reduced, full)
	}
}

// BenchmarkExplorer measures the enumeration of a program's schedules at
// bound 3, with and without the reduction, per schedule run.
func BenchmarkExplorer(b *testing.B) {
	p := reductionPrograms[2] // three threads, one read-only
	for _, reduce := range []bool{false, true} {
		b.Run(map[bool]string{false: "full", true: "reduced"}[reduce], func(b *testing.B) {
			n := 0
			for b.Loop() {
				_, k := exploreOutcomes(p.build, 3, reduce)
				n += k
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/schedule")
		})
	}
}

// TestReductionKeepsOutcomesOfRandomPrograms draws small programs of
// atomic operations on a few variables, some under a mutex, and checks
// that the reduced enumeration reaches every outcome the full one
// reaches, with as few preemptions, at bounds 0 to 3.
func TestReductionKeepsOutcomesOfRandomPrograms(t *testing.T) {
	type op struct{ kind, v, arg int }
	rapid.Check(t, func(rt *rapid.T) {
		nThreads := rapid.IntRange(2, 3).Draw(rt, "threads")
		progs := make([][]op, nThreads)
		for i := range progs {
			progs[i] = rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) op {
				return op{rapid.IntRange(0, 4).Draw(rt, "kind"), rapid.IntRange(0, 2).Draw(rt, "var"), rapid.IntRange(0, 2).Draw(rt, "arg")}
			}), 1, 3).Draw(rt, fmt.Sprint("thread", i))
		}
		build := func() ([][]func(), func() string) {
			var vars [3]sched.Int64
			var mu sched.Mutex
			seen := make([][]int64, nThreads)
			var threads []func()
			for i, p := range progs {
				threads = append(threads, func() {
					for _, o := range p {
						v := &vars[o.v]
						var r int64
						switch o.kind {
						case 0:
							r = v.Load()
						case 1:
							v.Store(int64(o.arg))
						case 2:
							r = v.Add(int64(o.arg))
						case 3:
							if v.CompareAndSwap(int64(o.arg), int64(o.arg)+1) {
								r = 1
							}
						case 4:
							mu.Lock()
							r = v.Load()
							v.Store(r + 1)
							mu.Unlock()
						}
						seen[i] = append(seen[i], r)
					}
				})
			}
			return [][]func(){threads}, func() string {
				return fmt.Sprint(vars[0].Load(), vars[1].Load(), vars[2].Load(), seen)
			}
		}
		for bound := 0; bound <= 3; bound++ {
			full, _ := exploreOutcomes(build, bound, false)
			red, _ := exploreOutcomes(build, bound, true)
			if !maps.Equal(full, red) {
				rt.Fatalf("bound %d: outcomes (fewest preemptions) differ:\nfull    %v\nreduced %v", bound, sorted(full), sorted(red))
			}
		}
	})
}

// TestReturnsFirstKeepsViolations checks Explorer.ReturnsFirst on
// operations with a history: for every outcome of the full enumeration,
// the reduced one reaches one with the same results whose history orders
// every pair of operations the first orders in real time (a return
// before a call), and maybe more, with as few preemptions: so it is
// linearizable only if the first is. It runs fewer schedules than the
// reduction without ReturnsFirst.
func TestReturnsFirstKeepsViolations(t *testing.T) {
	type outcome struct {
		got    [4]int64
		before uint64 // bit 4i+j: operation i returned before j was called
	}
	build := func() ([][]func(), func() outcome) {
		var x, y sched.Int64
		h := new(stampedOps)
		op := h.op
		return [][]func(){{
				func() {
					op(0, func() int64 { return x.Add(1) })
					op(1, func() int64 { return y.Load() })
				},
				func() {
					op(2, func() int64 { y.Store(1); return x.Load() })
					op(3, func() int64 { return x.Load() + y.Load() })
				},
			}}, func() outcome {
				o := outcome{got: h.got}
				for i := range h.call {
					for j := range h.call {
						if h.before(i, j) {
							o.before |= 1 << (4*i + j)
						}
					}
				}
				return o
			}
	}
	explore := func(bound int, reduce, returnsFirst bool) (map[outcome]int, int) {
		x := sched.NewExplorer(bound, reduce)
		x.ReturnsFirst = returnsFirst
		seen := map[outcome]int{}
		n := 0
		for {
			phases, result := build()
			e := sched.Execute(sched.Config{Strategy: x.Strategy(), ChoicesOnly: true}, phases...)
			n++
			if e.Outcome != sched.Completed {
				t.Fatalf("outcome %v", e.Outcome)
			}
			o := result()
			if p, ok := seen[o]; !ok || e.Preemptions < p {
				seen[o] = e.Preemptions
			}
			if !x.Advance() {
				return seen, n
			}
		}
	}
	for bound := 0; bound <= 4; bound++ {
		full, nFull := explore(bound, false, false)
		_, nRed := explore(bound, true, false)
		first, nFirst := explore(bound, true, true)
		t.Logf("bound %d: %d schedules, %d reduced, %d with returns first; %d outcomes, %d", bound, nFull, nRed, nFirst, len(full), len(first))
		for o, p := range first {
			if q, ok := full[o]; !ok || q > p {
				t.Errorf("bound %d: outcome %v with %d preemptions, not reached so without ReturnsFirst", bound, o, p)
			}
		}
		for o, p := range full {
			found := false
			for r, q := range first {
				if r.got == o.got && r.before&o.before == o.before && q <= p {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("bound %d: no outcome with results %v ordering at least %b in at most %d preemptions", bound, o.got, o.before, p)
			}
		}
		if bound >= 2 && nFirst >= nRed {
			t.Errorf("bound %d: %d schedules with returns first, %d without", bound, nFirst, nRed)
		}
	}
}
