package stress

import (
	"os"
	"testing"

	"github.com/interleave-go/interleave/model"
)

// benchScenario is 3 threads of 4 operations on the benchmark stack.
func benchScenario() Scenario[model.ContainerInput] {
	push := func(v int) model.ContainerInput { return model.ContainerInput{Op: model.ContainerPut, Value: v} }
	pop := model.ContainerInput{Op: model.ContainerTake}
	return Scenario[model.ContainerInput]{Threads: [][]model.ContainerInput{
		{push(1), pop, push(2), pop}, {push(3), push(4), pop, pop}, {pop, push(5), pop, push(6)},
	}}
}

// benchStressExecutions runs one stress execution per iteration, leak
// check included.
func benchStressExecutions(b *testing.B, t testing.TB, fake bool) {
	spec := benchSpec()
	spec.FakeTime = fake
	r, err := newRunner(t, spec, nil)
	if err != nil {
		b.Fatal(err)
	}
	sc := benchScenario()
	b.ReportAllocs()
	for b.Loop() {
		if o := r.stressOnce(sc); o.kind != 0 {
			b.Fatalf("correct stack failed: %v\n%s", o.kind, o.detail)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
}

// BenchmarkStressExecution measures one stress execution of 3 threads x
// 4 stack operations with real goroutines, history and leak checks
// included. executions/s = 1e9 / ns/op.
func BenchmarkStressExecution(b *testing.B) { benchStressExecutions(b, b, false) }

// BenchmarkLeakProfile measures what finding an execution's goroutines by
// their label costs, after an execution: the leak check pays it only when
// the goroutine count is up.
func BenchmarkLeakProfile(b *testing.B) {
	r, err := newRunner(b, benchSpec(), nil)
	if err != nil {
		b.Fatal(err)
	}
	r.stressOnce(benchScenario())
	for b.Loop() {
		if g := labelled("none"); len(g) != 0 {
			b.Fatal("goroutines labelled none")
		}
	}
}

// TestFakeTimeExecutionCost is BenchmarkStressExecution in fake time,
// which needs a *testing.T for its bubbles: run it with STRESS_BENCH=1
// and -v to see the numbers.
func TestFakeTimeExecutionCost(t *testing.T) {
	if os.Getenv("STRESS_BENCH") == "" {
		t.Skip("a benchmark: set STRESS_BENCH=1")
	}
	res := testing.Benchmark(func(b *testing.B) { benchStressExecutions(b, t, true) })
	t.Logf("fake time: %v %v", res, res.MemString())
}
