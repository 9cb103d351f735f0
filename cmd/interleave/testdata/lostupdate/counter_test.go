package lostupdate

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

func TestStressCounter(t *testing.T) {
	stress.Test(t, stress.Spec[*Counter, model.CounterInput, model.CounterOutput]{
		New: func() *Counter { return new(Counter) },
		Ops: rapid.OneOf(
			rapid.Map(rapid.Int64Range(1, 5), func(d int64) model.CounterInput {
				return model.CounterInput{Op: model.CounterAdd, Delta: d}
			}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run: func(c *Counter, _ int, in model.CounterInput) model.CounterOutput {
			if in.Op == model.CounterAdd {
				return model.CounterOutput{Value: c.Add(in.Delta)}
			}
			return model.CounterOutput{Value: c.Get()}
		},
		Model: model.Counter(),
	}, stress.WithSeed(1))
}
