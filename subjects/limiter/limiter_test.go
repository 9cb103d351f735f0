package limiter_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/limiter"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every limiter variant with real goroutines in fake time:
// the x/time/rate client passes; the article's mutex is caught by the
// throughput bound, the hand-rolled bucket by linearizability. The budget
// is the default's, set so that -short keeps it: in fake time a scenario
// nearly always runs the same way, and seed 1 needs some 40 scenarios to
// draw the bucket's race (a fifth of the default, which -short would
// leave, is 40).
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("limiter") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1), stress.WithChecks(200))
		})
	}
}

// TestControlled runs every limiter variant under controlled scheduling,
// on package sched's virtual clock, with 20 fixed seeds, on an
// instrumented build (interleave test, or plain go test's re-run in one).
// The variants on x/time/rate need it instrumented too, which interleave
// test does when asked (-interleave.rewrite=golang.org/x/time/rate);
// otherwise they are skipped, saying so. The main job asks.
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("limiter") {
		t.Run(e.Variant, func(t *testing.T) {
			if v := variant(t, e.Variant); v.Rate && !specs.RateInstrumented() {
				t.Skip("golang.org/x/time/rate is not instrumented: go run ./cmd/interleave test -interleave.rewrite=golang.org/x/time/rate -run Controlled ./subjects/limiter runs this variant controlled, and so does the main job")
			}
			specs.VerifySeeds(t, e, 20, 500, nil)
		})
	}
}

func variant(t *testing.T, name string) limiter.Variant {
	for _, v := range limiter.Variants {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no limiter variant %s", name)
	return limiter.Variant{}
}
