package specs

import (
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/stack"
)

// Stack tests a stack variant with Push(1..3), Pop and Len.
func Stack(v stack.Variant) stress.Spec[stack.Interface, model.ContainerInput, model.ContainerOutput] {
	return stress.Spec[stack.Interface, model.ContainerInput, model.ContainerOutput]{
		New: v.New,
		Ops: rapid.OneOf(
			rapid.Custom(func(t *rapid.T) model.ContainerInput {
				return model.ContainerInput{Op: model.ContainerPut, Value: rapid.IntRange(1, 3).Draw(t, "value")}
			}),
			rapid.Just(model.ContainerInput{Op: model.ContainerTake}),
			rapid.Just(model.ContainerInput{Op: model.ContainerLen}),
		),
		Run: func(s stack.Interface, _ int, in model.ContainerInput) model.ContainerOutput {
			switch in.Op {
			case model.ContainerPut:
				s.Push(in.Value)
				return model.ContainerOutput{}
			case model.ContainerTake:
				v, ok := s.Pop()
				return model.ContainerOutput{Value: v, OK: ok}
			}
			return model.ContainerOutput{Len: s.Len()}
		},
		Model: model.Stack(),
	}
}
