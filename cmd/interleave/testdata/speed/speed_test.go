package speed

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

// stack is what both stacks do.
type stack interface {
	Push(int)
	Pop() (int, bool)
	Len() int
}

func spec[T stack](newT func() T) stress.Spec[T, model.ContainerInput, model.ContainerOutput] {
	return stress.Spec[T, model.ContainerInput, model.ContainerOutput]{
		New: newT,
		Ops: rapid.OneOf(
			rapid.Map(rapid.IntRange(1, 3), func(v int) model.ContainerInput {
				return model.ContainerInput{Op: model.ContainerPut, Value: v}
			}),
			rapid.Just(model.ContainerInput{Op: model.ContainerTake}),
			rapid.Just(model.ContainerInput{Op: model.ContainerLen}),
		),
		Run: func(s T, _ int, in model.ContainerInput) model.ContainerOutput {
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

// BenchmarkControlled runs b.N controlled executions of drawn scenarios
// of 2 threads x 5 stack operations, random walk, history check
// included, on each stack: impl=plain is the sync/atomic one as
// interleave test compiles it, impl=sched the one written on sched.
// Under plain go test, Plain is not instrumented and the benchmark fails.
func BenchmarkControlled(b *testing.B) {
	b.Run("impl=plain", func(b *testing.B) { bench(b, spec(func() *Plain { return new(Plain) })) })
	b.Run("impl=sched", func(b *testing.B) { bench(b, spec(func() *Sched { return new(Sched) })) })
}

// BenchmarkSearch is BenchmarkControlled's plain stack under the default
// strategy, window-pct: the search a user's test runs.
func BenchmarkSearch(b *testing.B) {
	bench(b, spec(func() *Plain { return new(Plain) }), stress.WithStrategy(stress.WindowPCT))
}

func bench[T stack](b *testing.B, s stress.Spec[T, model.ContainerInput, model.ContainerOutput], opts ...stress.Option) {
	b.ReportAllocs()
	start := time.Now()
	opts = append([]stress.Option{stress.WithStrategy(stress.RandomWalk)}, opts...)
	res, err := stress.Run(b, s, append(opts, stress.WithMode(stress.Controlled), stress.WithSeed(1),
		stress.WithChecks(b.N), stress.WithDuration(0), stress.WithMaxThreads(2), stress.WithMaxOps(5), stress.WithMaxInit(0), stress.WithMaxPost(0))...)
	elapsed := time.Since(start)
	if err != nil || res.Failure != nil {
		b.Fatalf("the stack failed: %v %v", err, res.Failure)
	}
	if res.Coverage.Executions < b.N {
		b.Fatalf("%d controlled executions of %d: the stack is not instrumented (run under interleave test)", res.Coverage.Executions, b.N)
	}
	b.ReportMetric(float64(res.Coverage.Executions)/elapsed.Seconds(), "executions/s")
}
