package limiter_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every limiter variant with real goroutines in fake time:
// the x/time/rate client passes; the article's mutex is caught by the
// throughput bound, the hand-rolled bucket by linearizability.
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("limiter") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1))
		})
	}
}

// TestControlled runs the hand-rolled bucket, the variant built on
// package sched, under controlled scheduling on a virtual clock with 20
// fixed seeds.
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("limiter") {
		if !e.Controlled {
			continue
		}
		t.Run(e.Variant, func(t *testing.T) {
			specs.VerifySeeds(t, e, 20, 500, nil)
		})
	}
}
