package lazyconn_test

import (
	"testing"

	"github.com/interleave-go/interleave/examples/lazyconn"
	"github.com/interleave-go/interleave/stress"
)

// The reference is Client itself: Compare calls it one operation at a
// time, where it is trivially right.

func TestCompareClient(t *testing.T) {
	stress.Compare(t, lazyconn.NewClient, lazyconn.NewClient)
}

func TestDoubleDialCaught(t *testing.T) {
	res, err := stress.CompareRun(t, lazyconn.NewDoubleDial, lazyconn.NewClient, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Violation {
		t.Fatalf("the double dial was not caught as a violation: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
