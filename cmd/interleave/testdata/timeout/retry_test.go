package timeout

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

type counter interface {
	Add(int64) int64
	Get() int64
	Close()
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
		Cleanup: func(c C) { c.Close() },
		Model:   model.Counter(),
	}
}

func TestStressResend(t *testing.T) { stress.Test(t, spec(NewResend)) }

func TestStressDedup(t *testing.T) { stress.Test(t, spec(NewDedup)) }
