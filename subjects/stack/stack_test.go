package stack_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every stack variant with real goroutines. ABA needs a
// preemption between a load and a compare-and-swap; with the scheduler's
// perturbation it shows up about once in 5000 executions here, and its
// catalog entry gives it 200000. The perturbation needs an instrumented
// build (interleave test): plain go test skips SeparateLen and ABA,
// saying so.
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("stack") {
		t.Run(e.Variant, func(t *testing.T) {
			if e.Perturbed && !specs.Instrumented() {
				t.Skip("stress mode finds this bug on an instrumented build, where the atomics yield at random: run go run ./cmd/interleave test ./subjects/...")
			}
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1))
		})
	}
}

// controlledBudget is the number of scenarios, one PCT schedule each,
// that every variant gets per seed in TestControlled. The slowest mutant,
// ABA, needs at most 561 on these seeds under the default strategy, and
// 1,762 under pct (BenchmarkFirstFailure).
const controlledBudget = 5000

// TestControlled runs every stack variant under controlled scheduling with
// 20 fixed seeds and the same budget: every mutant must be caught on every
// seed, the correct variants must pass on every seed.
func TestControlled(t *testing.T) {
	specs.SkipUnderRace(t)
	for _, e := range specs.Subject("stack") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.VerifySeeds(t, e, 20, controlledBudget, nil)
		})
	}
}
