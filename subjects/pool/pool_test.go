package pool_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every pool variant with real goroutines in fake time:
// the exactly-once pool passes, the article's pool is caught losing
// accepted tasks, the leaky pool is caught leaving its workers behind.
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("pool") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1))
		})
	}
}

// TestControlled runs every pool variant under controlled scheduling, on
// package sched's virtual clock, with 20 fixed seeds and the same budget:
// the exactly-once pool must pass on every seed, the mutants must be
// caught on every seed. It needs an instrumented build (interleave test).
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("pool") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.VerifySeeds(t, e, 20, 500, nil)
		})
	}
}
