package firstwins_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/firstwins"
	"github.com/interleave-go/interleave/stress"
)

// seqResolver is the reference: one replica, asked directly.
type seqResolver struct{}

func newSeqResolver() seqResolver { return seqResolver{} }

func (seqResolver) Lookup(ctx context.Context, name string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if v, ok := map[string]int{"a": 1, "b": 2, "c": 3}[name]; ok {
		return v, nil
	}
	return 0, firstwins.ErrNotFound
}

// Every Lookup starts three goroutines that outlive it a little, and the
// leak check waits for them after each execution: fewer scenarios.
func TestCompareResolver(t *testing.T) {
	stress.Compare(t, firstwins.NewResolver, newSeqResolver, stress.WithChecks(40))
}

func TestUnbufferedCaught(t *testing.T) {
	res, err := stress.CompareRun(t, firstwins.NewUnbuffered, newSeqResolver, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expectCaught(t, res, err, stress.Leak)
}

// expectCaught fails t unless res holds a failure of one of the kinds:
// a goroutine leak. Both modes find this bug on every seed.
func expectCaught(t *testing.T, res stress.Summary, err error, kinds ...stress.Kind) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil {
		t.Fatalf("the bug was not caught in %d executions", res.Executions)
	}
	if !slices.Contains(kinds, f.Kind) {
		t.Fatalf("caught as %v, want %v:\n%s", f.Kind, kinds, f.Report())
	}
	t.Logf("%v found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		f.Kind, f.Executions, f.Threads, f.Size, f.Preemptions, f.Mode)
}
