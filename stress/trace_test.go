package stress

import (
	"strings"
	"testing"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// TestRebuiltTraceIsTheNamedOne: a search records choices only, and the
// report rebuilds the execution's events by replaying them. The rebuilt
// table (variables named after the source, pointers numbered, calls
// described) must be the one a run that recorded everything from the
// start shows, for every schedule.
func TestRebuiltTraceIsTheNamedOne(t *testing.T) {
	r, err := newRunner(t, benchSpec(), nil)
	if err != nil {
		t.Fatal(err)
	}
	push := func(v int) model.ContainerInput { return model.ContainerInput{Op: model.ContainerPut, Value: v} }
	pop := model.ContainerInput{Op: model.ContainerTake}
	ln := model.ContainerInput{Op: model.ContainerLen}
	sc := Scenario[model.ContainerInput]{Init: []model.ContainerInput{push(7)}, Threads: [][]model.ContainerInput{
		{push(1), pop, ln},
		{pop, push(2), pop},
	}}
	switched := 0
	for seed := range uint64(30) {
		lean := r.controlled(sc, sched.NewRandomWalk(sched.NewSource(seed)), choicesOnly)
		named := r.controlled(sc, sched.NewRandomWalk(sched.NewSource(seed)), withSites)
		if lean.events != nil {
			t.Fatalf("seed %d: a run of choices only kept %d events", seed, len(lean.events))
		}
		if lean.fingerprint != named.fingerprint {
			t.Fatalf("seed %d: fingerprint %x recording choices only, %x recording events", seed, lean.fingerprint, named.fingerprint)
		}
		again, same := r.rebuild(sc, lean, true)
		if !same {
			t.Fatalf("seed %d: the rebuild is not the same execution", seed)
		}
		want, got := formatEvents(named.events, len(sc.Threads)), formatEvents(again.events, len(sc.Threads))
		if got != want {
			t.Fatalf("seed %d: rebuilt trace\n%s\nwant the named run's\n%s", seed, got, want)
		}
		if named.preemptions > 0 {
			switched++
		}
	}
	// The table must name what it shows, or the comparison proves little.
	named := r.controlled(sc, sched.NewRandomWalk(sched.NewSource(1)), withSites)
	table := formatEvents(named.events, len(sc.Threads))
	for _, want := range []string{"s.head", "Push(1)", "p1"} {
		if !strings.Contains(table, want) {
			t.Errorf("the named table does not say %q:\n%s", want, table)
		}
	}
	if switched == 0 {
		t.Error("no schedule of the 30 preempted a thread: the comparison covered serial runs only")
	}
}

// TestRebuildSeesAnotherExecution: a rebuild that does not run the
// execution the search ran (the type does something the scheduler does
// not see, here a count kept across executions) is caught, so the report
// warns instead of showing a table of another execution.
func TestRebuildSeesAnotherExecution(t *testing.T) {
	calls := 0
	spec := benchSpec()
	run := spec.Run
	spec.Run = func(s *benchStack, lane int, in model.ContainerInput) model.ContainerOutput {
		calls++
		if calls%2 == 0 {
			s.head.Load() // an extra step every other call, across executions
		}
		return run(s, lane, in)
	}
	r, err := newRunner(t, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := Scenario[model.ContainerInput]{Threads: [][]model.ContainerInput{{{Op: model.ContainerLen}}, {{Op: model.ContainerLen}, {Op: model.ContainerLen}}}}
	lean := r.controlled(sc, nil, choicesOnly)
	if _, same := r.rebuild(sc, lean, false); same {
		t.Fatal("a rebuild of another execution was taken for the same")
	}
}
