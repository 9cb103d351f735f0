package reexec

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

type counter interface {
	Add(int64) int64
	Get() int64
}

func spec[C counter](newC func() C) stress.Spec[C, model.CounterInput, model.CounterOutput] {
	return stress.Spec[C, model.CounterInput, model.CounterOutput]{
		New: newC,
		Ops: rapid.OneOf(
			rapid.Map(rapid.Int64Range(1, 5), func(d int64) model.CounterInput {
				return model.CounterInput{Op: model.CounterAdd, Delta: d}
			}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run: func(c C, _ int, in model.CounterInput) model.CounterOutput {
			if in.Op == model.CounterAdd {
				return model.CounterOutput{Value: c.Add(in.Delta)}
			}
			return model.CounterOutput{Value: c.Get()}
		},
		Model: model.Counter(),
	}
}

// TestLossy fails: the lost update, found in controlled mode.
func TestLossy(t *testing.T) {
	stress.Test(t, spec(func() *Lossy { return new(Lossy) }), stress.WithMode(stress.Controlled), stress.WithSeed(1))
}

// TestCounter passes, in a subtest: the re-run runs the subtest alone.
func TestCounter(t *testing.T) {
	t.Run("twin", func(t *testing.T) {
		stress.Test(t, spec(func() *Counter { return new(Counter) }), stress.WithMode(stress.Controlled), stress.WithSeed(1), stress.WithChecks(300))
	})
}

// TestOptOut: with the re-run turned off, controlled mode on plain code
// tests nothing, says so, and says how to run interleave test.
func TestOptOut(t *testing.T) {
	_, err := stress.Run(t, spec(func() *Lossy { return new(Lossy) }), stress.WithMode(stress.Controlled), stress.WithSeed(1), stress.WithChecks(20), stress.WithReexec(false))
	if !errors.Is(err, stress.ErrNotInstrumented) || !strings.Contains(err.Error(), "cmd/interleave test") {
		t.Fatalf("error %v, want ErrNotInstrumented with the interleave test command", err)
	}
	t.Log("opt-out:", err)
}
