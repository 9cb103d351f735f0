package sched_test

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestOrdersSerial: two threads of a lost update run one after the
// other: the second's Load follows the first's Store, and nothing else
// pairs (the second's Store follows its own Load; the first thread's
// accesses follow none of another thread).
func TestOrdersSerial(t *testing.T) {
	c := new(lostUpdate)
	e := sched.Execute(sched.Config{ChoicesOnly: true}, incTwice(c)...)
	want := []sched.Order{{Var: 1, First: sched.Actor{Thread: 0, Kind: sched.KindStore}, Then: sched.Actor{Thread: 1, Kind: sched.KindLoad}}}
	if !slices.Equal(e.Orders, want) {
		t.Fatalf("orders %+v, want %+v", e.Orders, want)
	}
}

// TestOrdersBothWays: over every schedule of the lost update, each pair
// of conflicting accesses of the two threads is seen in both orders, and
// a read-only pair (two Loads) never.
func TestOrdersBothWays(t *testing.T) {
	seen := map[sched.Order]bool{}
	runs := sched.Explore(sched.Config{ChoicesOnly: true}, 4, func() [][]func() { return incTwice(new(lostUpdate)) }, func(e *sched.Execution) bool {
		for _, o := range e.Orders {
			if o.First.Thread == o.Then.Thread || o.Var != 1 {
				t.Fatalf("order %+v: not two threads on v1", o)
			}
			if o.First.Kind == sched.KindLoad && o.Then.Kind == sched.KindLoad {
				t.Fatalf("order %+v: two reads do not conflict", o)
			}
			seen[o] = true
		}
		return true
	})
	if runs < 2 || len(seen) == 0 {
		t.Fatalf("%d runs, %d orders", runs, len(seen))
	}
	for o := range seen {
		if !seen[o.Reversed()] {
			t.Errorf("%+v seen, its reverse never", o)
		}
	}
}

// TestOrdersPhases: accesses of threads of different phases never pair,
// since no schedule can reverse them.
func TestOrdersPhases(t *testing.T) {
	var v sched.Int64
	e := sched.Execute(sched.Config{}, []func(){func() { v.Store(1) }}, []func(){func() { v.Store(2) }})
	if len(e.Orders) != 0 {
		t.Fatalf("orders %+v across phases, want none", e.Orders)
	}
}
