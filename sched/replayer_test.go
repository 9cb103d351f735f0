package sched_test

import (
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestReplayerDiverged: a replay of an execution's own choices fits every
// decision; picks recorded for another program stop fitting, and
// Diverged says at which decision.
func TestReplayerDiverged(t *testing.T) {
	program := func() [][]func() {
		var x sched.Int64
		add := func() {
			for range 3 {
				x.Add(1)
			}
		}
		return [][]func(){{add, add}}
	}
	e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(1))}, program()...)
	r := sched.NewReplay(sched.Picks(e))
	sched.Execute(sched.Config{Strategy: r}, program()...)
	if d := r.Diverged(); d != -1 {
		t.Fatalf("a replay of the same program diverged at decision %d", d)
	}
	bad := sched.NewReplay([]int{0, 7})
	sched.Execute(sched.Config{Strategy: bad}, program()...)
	if d := bad.Diverged(); d != 1 {
		t.Fatalf("picks that do not fit: Diverged() = %d, want 1", d)
	}
}
