package stress_test

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

// plain is a type that uses no primitive of package sched.
type plain struct{ m map[int]int }

// TestUninstrumentedInterleaving checks what the report says of a
// controlled execution of a type the scheduler cannot see into: not "0
// context switches", as if a schedule had been minimized, but that each
// operation ran whole. A type built on sched keeps its count.
func TestUninstrumentedInterleaving(t *testing.T) {
	spec := stress.Spec[*plain, model.CounterInput, model.CounterOutput]{
		New: func() *plain { return new(plain) },
		Ops: rapid.Just(model.CounterInput{Op: model.CounterAdd, Delta: 1}),
		Run: func(p *plain, _ int, in model.CounterInput) model.CounterOutput {
			p.m[1]++ // nil map: panics
			return model.CounterOutput{}
		},
		Model: model.Counter(),
	}
	// In Auto mode the probe, a controlled execution, finds the panic.
	res, err := stress.Run(t, spec, stress.WithSeed(1), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.Kind != stress.Panic || f.Mode != stress.Controlled {
		t.Fatalf("want a panic shown under controlled scheduling, got %+v", f)
	}
	report := f.Report()
	if strings.Contains(report, "context switch") || !strings.Contains(report, "each operation ran whole, and threads could switch only between operations") {
		t.Errorf("the interleaving of an uninstrumented type is not described as such:\n%s", report)
	}

	res, err = stress.Run(t, counterSpec(true), stress.WithMode(stress.Controlled), stress.WithSeed(5), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || !strings.Contains(f.Report(), "interleaving (controlled, 1 context switch):") {
		t.Errorf("the lost update's interleaving does not count its switch: %+v", f)
	}
}
