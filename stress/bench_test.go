package stress

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// benchStack is a Treiber stack on package sched, for benchmarks.
type benchStack struct{ head sched.Pointer[benchNode] }

type benchNode struct {
	v    int
	next *benchNode
	size int
}

func (s *benchStack) run(_ int, in model.ContainerInput) model.ContainerOutput {
	switch in.Op {
	case model.ContainerPut:
		n := &benchNode{v: in.Value}
		for {
			old := s.head.Load()
			n.next, n.size = old, 1
			if old != nil {
				n.size = old.size + 1
			}
			if s.head.CompareAndSwap(old, n) {
				return model.ContainerOutput{}
			}
		}
	case model.ContainerTake:
		for {
			old := s.head.Load()
			if old == nil {
				return model.ContainerOutput{}
			}
			if s.head.CompareAndSwap(old, old.next) {
				return model.ContainerOutput{Value: old.v, OK: true}
			}
		}
	}
	if n := s.head.Load(); n != nil {
		return model.ContainerOutput{Len: n.size}
	}
	return model.ContainerOutput{}
}

func benchSpec() Spec[*benchStack, model.ContainerInput, model.ContainerOutput] {
	return Spec[*benchStack, model.ContainerInput, model.ContainerOutput]{
		New:   func() *benchStack { return new(benchStack) },
		Ops:   rapid.Just(model.ContainerInput{Op: model.ContainerLen}),
		Run:   (*benchStack).run,
		Model: model.Stack(),
	}
}

// BenchmarkControlledExecution measures one controlled execution of a
// scenario of 2 threads x 5 stack operations, history check included,
// under the default strategy (window-pct, its estimates measured as the
// search measures them) and under a random walk, which switches threads
// at every other decision, the most a strategy does. executions/s = 1e9
// / ns/op.
func BenchmarkControlledExecution(b *testing.B) {
	r, err := newRunner(b, benchSpec(), nil)
	if err != nil {
		b.Fatal(err)
	}
	push := func(v int) model.ContainerInput { return model.ContainerInput{Op: model.ContainerPut, Value: v} }
	pop := model.ContainerInput{Op: model.ContainerTake}
	ln := model.ContainerInput{Op: model.ContainerLen}
	sc := Scenario[model.ContainerInput]{Threads: [][]model.ContainerInput{
		{push(1), pop, push(2), ln, pop},
		{push(3), push(4), pop, ln, pop},
	}}
	// What learnLength measures, on this scenario.
	windows := 0
	o := r.controlledOnce(sc, sched.CountWindows(sched.NewRandomWalk(sched.NewSource(1)), &windows))
	if o.kind != 0 || windows == 0 {
		b.Fatalf("the measuring execution: %v, %d windows", o.kind, windows)
	}
	r.perOp, r.winPerOp, r.winOps = float64(len(o.schedule))/float64(sc.Size()), float64(windows)/float64(sc.Size()), sc.Size()
	for _, c := range []struct {
		name     string
		strategy func(sched.Source) sched.Strategy
	}{
		{"window-pct", func(src sched.Source) sched.Strategy { return r.strategy(src, sc, nil) }},
		{"random-walk", sched.NewRandomWalk},
	} {
		b.Run(c.name, func(b *testing.B) {
			src := sched.NewSource(1)
			b.ReportAllocs()
			for b.Loop() {
				if o := r.controlledOnce(sc, c.strategy(src)); o.kind != 0 {
					b.Fatalf("correct stack failed: %v", o.kind)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
		})
	}
}
