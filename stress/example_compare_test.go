package stress_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
)

// NewTally returns a Tally at zero.
func NewTally() *Tally { return new(Tally) }

// To test a type with no spec to write, give Compare its constructor and
// a reference's: the operations are the type's methods, and the model is
// the reference called one operation at a time. A type guarded by a
// mutex, or a plain sequential one, is a reference; so is the type itself
// (it is never called concurrently when it is the reference).
func ExampleCompare() {
	// In tally_test.go:
	//
	//	func TestStressTally(t *testing.T) {
	//		stress.Compare(t, NewTally, NewTally)
	//	}
	//
	// A failure shows calls as written: t.Add(2) -> 3.
}

// TestCompareTally is ExampleCompare, run.
func TestCompareTally(t *testing.T) {
	stress.Compare(t, NewTally, NewTally, stress.WithSeed(1), stress.WithChecks(50), stress.WithRuns(50))
}
