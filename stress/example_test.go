package stress_test

import (
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

// Tally is a type someone wants to test: a counter behind a mutex.
type Tally struct {
	mu sync.Mutex
	n  int64
}

// Add adds d and returns the new total.
func (t *Tally) Add(d int64) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n += d
	return t.n
}

// Total returns the total.
func (t *Tally) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// tallySpec says how to make a Tally, which operations to call on it and
// which sequential model its history must match.
func tallySpec() stress.Spec[*Tally, model.CounterInput, model.CounterOutput] {
	return stress.Spec[*Tally, model.CounterInput, model.CounterOutput]{
		New: func() *Tally { return new(Tally) },
		Ops: rapid.OneOf(
			rapid.Map(rapid.Int64Range(1, 5), func(d int64) model.CounterInput {
				return model.CounterInput{Op: model.CounterAdd, Delta: d}
			}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run: func(t *Tally, _ int, in model.CounterInput) model.CounterOutput {
			if in.Op == model.CounterAdd {
				return model.CounterOutput{Value: t.Add(in.Delta)}
			}
			return model.CounterOutput{Value: t.Total()}
		},
		Model: model.Counter(),
	}
}

// To stress-test a type, write its Spec and call Test from a test
// function; `go test -run Stress` then runs it, and a failure prints the
// minimal interleaving and the command that replays it.
func ExampleTest() {
	// In tally_test.go:
	//
	//	func TestStressTally(t *testing.T) {
	//		stress.Test(t, tallySpec())
	//	}
	_ = tallySpec()
}

// TestStressTally is ExampleTest, run.
func TestStressTally(t *testing.T) {
	stress.Test(t, tallySpec(), stress.WithSeed(1), stress.WithChecks(50), stress.WithRuns(50))
}
