package specs

import (
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/counter"
)

// Counter tests a counter variant with Add(1..3) and Get.
func Counter(v counter.Variant) stress.Spec[counter.Interface, model.CounterInput, model.CounterOutput] {
	return stress.Spec[counter.Interface, model.CounterInput, model.CounterOutput]{
		New: v.New,
		Ops: rapid.OneOf(
			rapid.Custom(func(t *rapid.T) model.CounterInput {
				return model.CounterInput{Op: model.CounterAdd, Delta: rapid.Int64Range(1, 3).Draw(t, "delta")}
			}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run: func(c counter.Interface, _ int, in model.CounterInput) model.CounterOutput {
			if in.Op == model.CounterAdd {
				return model.CounterOutput{Value: c.Add(in.Delta)}
			}
			return model.CounterOutput{Value: c.Value()}
		},
		Model: model.Counter(),
	}
}
