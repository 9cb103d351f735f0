package chanlock

import (
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

func TestStressSplit(t *testing.T) { stress.Test(t, spec(NewSplit)) }

func TestStressWhole(t *testing.T) { stress.Test(t, spec(NewWhole)) }

// seqCounter is the reference for Compare.
type seqCounter struct{ n int64 }

func (c *seqCounter) Add(d int64) int64 { c.n += d; return c.n }
func (c *seqCounter) Get() int64        { return c.n }

// TestCompareSplit hands a type with a channel field to stress.Compare,
// which never touches the channel: the package must still be instrumented.
func TestCompareSplit(t *testing.T) {
	stress.Compare(t, NewSplit, func() *seqCounter { return new(seqCounter) })
}
