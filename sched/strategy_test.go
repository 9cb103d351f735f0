package sched_test

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// strategies are the randomized strategies, each made from a seed.
var strategies = []struct {
	name string
	make func(seed uint64) sched.Strategy
}{
	{"random", func(seed uint64) sched.Strategy { return sched.NewRandomWalk(sched.NewSource(seed)) }},
	{"pct", func(seed uint64) sched.Strategy { return sched.NewPCT(sched.NewSource(seed), 3, 12) }},
	{"varied-pct", func(seed uint64) sched.Strategy { return sched.NewVariedPCT(sched.NewSource(seed), 3, 12) }},
	{"pos", func(seed uint64) sched.Strategy { return sched.NewPOS(sched.NewSource(seed)) }},
	{"window-pct", func(seed uint64) sched.Strategy { return sched.NewWindowPCT(sched.NewSource(seed), 3, 12, 4) }},
}

// TestStrategiesFindTheLostUpdate: every strategy, from a fixed seed,
// loses an update of two threads that increment twice within 100
// executions, and runs both orders of the increments (a strategy that
// never switches, or always does, fails this).
func TestStrategiesFindTheLostUpdate(t *testing.T) {
	for _, st := range strategies {
		t.Run(st.name, func(t *testing.T) {
			lost, serial := 0, 0
			for seed := range uint64(100) {
				c := new(lostUpdate)
				e := sched.Execute(sched.Config{Strategy: st.make(seed), ChoicesOnly: true}, [][]func(){{c.inc, c.inc}, {c.inc, c.inc}}...)
				if e.Outcome != sched.Completed {
					t.Fatalf("seed %d: %v", seed, e.Outcome)
				}
				if c.v.Load() < 4 {
					lost++
				} else {
					serial++
				}
			}
			if lost == 0 || serial == 0 {
				t.Fatalf("%d of 100 executions lost an update, %d did not: want some of each", lost, serial)
			}
		})
	}
}

// TestStrategiesReplay: a strategy makes the same decisions from the same
// seed, so an execution runs again from its seed, and from its choices
// under Replay, with the same events, recording them or not.
func TestStrategiesReplay(t *testing.T) {
	for _, st := range strategies {
		t.Run(st.name, func(t *testing.T) {
			for seed := range uint64(20) {
				run := func(s sched.Strategy, choicesOnly bool) *sched.Execution {
					c := new(lostUpdate)
					return sched.Execute(sched.Config{Strategy: s, ChoicesOnly: choicesOnly}, [][]func(){{c.inc, c.inc, c.inc}, {c.inc, c.inc}, {c.inc}}...)
				}
				a, b := run(st.make(seed), true), run(st.make(seed), false)
				if a.Fingerprint != b.Fingerprint || !slices.Equal(sched.Picks(a), sched.Picks(b)) {
					t.Fatalf("seed %d: two runs of the same seed differ", seed)
				}
				if a.Events != nil || len(b.Events) == 0 || a.Ops != b.Ops || a.Ops != 12 {
					t.Fatalf("seed %d: %d events recording choices only, %d otherwise; ops %d and %d, want 12", seed, len(a.Events), len(b.Events), a.Ops, b.Ops)
				}
				c := run(sched.NewReplay(sched.Picks(a)), false)
				if i := sched.Diverge(b.Events, c.Events); i >= 0 || c.Fingerprint != a.Fingerprint {
					t.Fatalf("seed %d: the replay of the choices diverged at event %d", seed, i)
				}
			}
		})
	}
}

// recorder is a strategy that keeps what it was shown and picks the
// thread that ran last.
type recorder struct {
	pending, ran [][]sched.Access
}

func (r *recorder) Choose(d sched.Decision) int {
	r.pending = append(r.pending, append([]sched.Access(nil), d.Pending...))
	r.ran = append(r.ran, append([]sched.Access(nil), d.Ran...))
	return 0
}

// TestDecisionsShowAccesses: a decision shows what each runnable thread
// does next, and what was done since the previous decision, which is what
// POS weighs.
func TestDecisionsShowAccesses(t *testing.T) {
	c := new(lostUpdate)
	var other sched.Int64
	rec := &recorder{}
	sched.Execute(sched.Config{Strategy: rec}, []func(){c.inc, func() { other.Store(1) }})
	// Decisions: at the start (neither thread started), then thread 0
	// at its Load and at its Store; then thread 1 runs alone.
	if len(rec.pending) != 3 {
		t.Fatalf("%d decisions, want 3", len(rec.pending))
	}
	start, first, second := rec.pending[0], rec.pending[1], rec.pending[2]
	if len(start) != 2 || start[0].Obj != 0 || start[1].Obj != 0 {
		t.Fatalf("pending operations at the start %+v, want none known", start)
	}
	if len(first) != 2 || first[0].Thread != 0 || first[0].Obj == 0 || first[0].Write || first[1].Obj != 0 {
		t.Fatalf("first decision's pending operations %+v: want thread 0's load of c.v, then thread 1 not started", first)
	}
	if len(second) != 2 || second[0].Obj != first[0].Obj || !second[0].Write {
		t.Fatalf("second decision's pending operations %+v: want thread 0's store to c.v", second)
	}
	if len(rec.ran[1]) != 0 || len(rec.ran[2]) != 1 || rec.ran[2][0] != first[0] {
		t.Fatalf("done before the decisions: %+v, want nothing, then the load", rec.ran)
	}
	load, store := first[0], second[0]
	if !load.Conflicts(store) || load.Conflicts(load) || load.Conflicts(sched.Access{}) {
		t.Error("a load conflicts with a store of the same variable, not with another load nor an unknown access")
	}
}
