package stress

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// lossy is a counter that loads, then stores: the lost update.
type lossy struct{ v sched.Int64 }

func lossySpec() Spec[*lossy, model.CounterInput, model.CounterOutput] {
	return Spec[*lossy, model.CounterInput, model.CounterOutput]{
		New: func() *lossy { return new(lossy) },
		Ops: rapid.OneOf(
			rapid.Just(model.CounterInput{Op: model.CounterAdd, Delta: 1}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run: func(c *lossy, _ int, in model.CounterInput) model.CounterOutput {
			if in.Op == model.CounterAdd {
				n := c.v.Load() + in.Delta
				c.v.Store(n)
				return model.CounterOutput{Value: n}
			}
			return model.CounterOutput{Value: c.v.Load()}
		},
		Model: model.Counter(),
	}
}

// TestEveryStrategyFindsTheLostUpdate: each strategy, from a fixed seed,
// catches the lost update under controlled scheduling, and two searches
// from the same seed run the same executions and report the same
// failure, interleaving included.
func TestEveryStrategyFindsTheLostUpdate(t *testing.T) {
	for s := range Strategy(len(strategyNames)) {
		t.Run(s.String(), func(t *testing.T) {
			opts := []Option{WithMode(Controlled), WithSeed(3), WithChecks(500), WithStrategy(s), WithDuration(0), WithArtifacts(t.TempDir())}
			var reports []string
			var execs []int
			for range 2 {
				res, err := Run(t, lossySpec(), opts...)
				if err != nil {
					t.Fatal(err)
				}
				f := res.Failure
				if f == nil || f.Kind != Violation {
					t.Fatalf("no violation found under %v: %+v", s, res)
				}
				reports = append(reports, f.Table)
				execs = append(execs, f.Executions)
			}
			if execs[0] != execs[1] || reports[0] != reports[1] {
				t.Errorf("two searches from one seed differ: found after %d and %d executions; tables\n%s\n%s", execs[0], execs[1], reports[0], reports[1])
			}
		})
	}
}
