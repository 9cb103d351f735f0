package specs_test

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// BenchmarkFirstFailure measures how many controlled executions each
// strategy needs to find each instrumented mutant, over seeds 1 to 20
// (FIRSTFAILURE_SEEDS=n for 1 to n): the median (execs/first-failure),
// the worst (max-execs), the mean (mean-execs, steadier than a median of
// 20 when comparing changes: the counts are about geometric) and the
// seeds that found nothing in 50000 (missed). ns/op is the time for all
// the searches, minimization (at most a second each) included, and is
// not the point. Run it with -benchtime=1x.
func BenchmarkFirstFailure(b *testing.B) {
	seeds := uint64(20)
	if n, err := strconv.ParseUint(os.Getenv("FIRSTFAILURE_SEEDS"), 10, 64); err == nil && n > 0 {
		seeds = n
	}
	for _, e := range specs.Catalog() {
		if !e.Mutant() || !e.Controlled {
			continue
		}
		for _, strategy := range []stress.Strategy{stress.RandomWalk, stress.PCT, stress.POS, stress.LearnedPCT, stress.WindowPCT} {
			b.Run(e.Subject+"/"+e.Variant+"/"+strategy.String(), func(b *testing.B) {
				for range b.N {
					var execs []int
					missed := 0
					for seed := uint64(1); seed <= seeds; seed++ {
						res, err := e.Run(b, stress.Controlled, stress.WithSeed(seed), stress.WithStrategy(strategy), stress.WithChecks(50000), stress.WithShrinkTime(time.Second))
						if errors.Is(err, specs.ErrRateNotInstrumented) {
							b.Skip(err) // the main job's build instruments x/time/rate
						}
						if err != nil {
							b.Fatal(err)
						}
						if res.Failure == nil {
							missed++
							continue
						}
						execs = append(execs, res.Failure.Executions)
					}
					slices.Sort(execs)
					if len(execs) > 0 {
						sum := 0
						for _, n := range execs {
							sum += n
						}
						b.ReportMetric(float64(execs[len(execs)/2]), "execs/first-failure")
						b.ReportMetric(float64(execs[len(execs)-1]), "max-execs")
						b.ReportMetric(float64(sum)/float64(len(execs)), "mean-execs")
					}
					b.ReportMetric(float64(missed), "missed")
				}
			})
		}
	}
}
