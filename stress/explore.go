package stress

import (
	"testing"

	"github.com/interleave-go/interleave/internal/explorehook"
	"github.com/interleave-go/interleave/sched"
)

// Exhaust runs sc under every schedule with at most bound preemptions,
// fewest preemptions first, and returns the first failure: one with the
// fewest context switches that sc allows. It returns nil if every
// schedule passes. Meant for small scenarios, it is the ground truth
// against which minimized failures can be judged. The spec's type must use
// package sched (a FakeTime spec runs on its virtual clock); options other than the artifacts directory and the
// timeout are ignored.
func Exhaust[T, I, O any](t testing.TB, spec Spec[T, I, O], sc Scenario[I], bound int, opts ...Option) (*Failure, error) {
	t.Helper()
	r, err := newRunner(t, spec, opts)
	if err != nil {
		return nil, err
	}
	if len(sc.Threads) == 0 {
		return nil, errNoThreads
	}
	defer serial()()
	// One enumeration within the bound, keeping the failure with the
	// fewest preemptions, the first such in its order: enumerating bound
	// 0, then 1, ..., would run the schedules of each bound again in the
	// next.
	x := r.newExplorer(bound)
	var first outcome
	for {
		o := r.controlledOnce(sc, x.Strategy())
		explorehook.Executions.Add(1)
		r.executions++
		r.total++
		if o.kind != 0 && (first.kind == 0 || o.preemptions < first.preemptions) {
			first = o
		}
		if first.kind != 0 && first.preemptions == 0 || r.poisoned || !x.Advance() {
			break
		}
	}
	if first.kind != 0 {
		var st searchState[I]
		return r.report(r.note(&st, sc, first, Controlled, bounds{}), "found by exhaustive search"), nil
	}
	return nil, nil
}

// explore enumerates the schedules of sc with at most bound preemptions
// and returns the first execution that fails with kind (any kind when
// kind is 0) and exactly bound preemptions; earlier bounds are assumed
// done. It gives up after budget executions (0: no limit).
func (r *runner[T, I, O]) explore(sc Scenario[I], bound int, kind Kind, budget int) (outcome, bool) {
	x := r.newExplorer(bound)
	for n := 0; budget == 0 || n < budget; n++ {
		o := r.controlledOnce(sc, x.Strategy())
		explorehook.Executions.Add(1)
		r.executions++
		r.total++
		if o.kind != 0 && (kind == 0 || o.kind == kind) && o.preemptions == bound {
			return o, true
		}
		if r.poisoned {
			break
		}
		if !x.Advance() {
			break
		}
	}
	return outcome{}, false
}

// newExplorer returns the enumeration of the schedules within bound,
// reduced (same failures with as few preemptions, fewer runs) unless
// interleave's own tests turned the reduction off to measure it. Without
// a Check of the history, only linearizability looks at the order of
// calls and returns, so the reduction may run only the schedules where a
// return comes before a call (sched.Explorer.ReturnsFirst).
func (r *runner[T, I, O]) newExplorer(bound int) *sched.Explorer {
	x := sched.NewExplorer(bound, !explorehook.Unreduced.Load())
	x.ReturnsFirst = r.spec.Check == nil
	return x
}
