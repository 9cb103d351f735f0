package limiter_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/limiter"
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

// TestControlled runs every limiter variant under controlled scheduling,
// on package sched's virtual clock, with 20 fixed seeds, on an
// instrumented build (interleave test, or plain go test's re-run in one).
// The variants on x/time/rate need it instrumented too, which interleave
// test cannot do from the module cache (the go command refuses overlays
// there): they are skipped, saying so, and the main job, which copies the
// module out of the cache, runs them (go run ./cmd/interleave -subjects
// limiter).
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("limiter") {
		t.Run(e.Variant, func(t *testing.T) {
			if v := variant(t, e.Variant); v.Rate && !specs.RateInstrumented() {
				t.Skip("golang.org/x/time/rate is not instrumented (interleave test cannot overlay the module cache): go run ./cmd/interleave -subjects limiter runs this variant controlled")
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
