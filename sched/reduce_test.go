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
// each program's. Sleep sets alone ran 18,486 of 48,897 (2.6x); with the
// states remembered by their trace, 6,461 (7.6x).
func TestReductionCutsSchedules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 55,000 schedules")
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
