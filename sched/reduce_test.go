package sched_test

import "testing"

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
