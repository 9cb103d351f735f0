package counter_test

import (
	"strings"
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every counter variant with real goroutines: the correct
// one must pass, the mutant must be caught. The mutant is caught only on
// an instrumented build (interleave test), whose atomics yield at random;
// plain go test skips it, saying so.
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("counter") {
		t.Run(e.Variant, func(t *testing.T) {
			if e.Perturbed && !specs.Instrumented() {
				t.Skip("stress mode finds this bug on an instrumented build, where the atomics yield at random: run go run ./cmd/interleave test ./subjects/...")
			}
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1))
		})
	}
}

// controlledBudget is the number of scenarios, one schedule each, that
// every variant gets per seed in TestControlled.
const controlledBudget = 300

// TestControlled runs every counter variant under controlled scheduling
// with 20 fixed seeds and the same budget: the mutant must be caught on
// every seed, shrunk to exactly two threads of one increment each and one
// context switch; the correct variant must pass on every seed.
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("counter") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.VerifySeeds(t, e, 20, controlledBudget, func(t *testing.T, res stress.Summary) {
				if f := res.Failure; f != nil {
					adds := strings.Count(f.Scenario, "Add(")
					if f.Threads != 2 || f.Size != 2 || adds != 2 || f.Preemptions != 1 {
						t.Fatalf("shrunk to %d threads, %d operations (%d increments), %d context switches; want 2, 2 (2), 1:\n%s", f.Threads, f.Size, adds, f.Preemptions, f.Report())
					}
				}
			})
		})
	}
}
