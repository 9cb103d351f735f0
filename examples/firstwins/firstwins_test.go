package firstwins_test

import (
	"context"
	"testing"

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

func TestCompareResolver(t *testing.T) {
	stress.Compare(t, firstwins.NewResolver, newSeqResolver)
}

func TestUnbufferedCaught(t *testing.T) {
	res, err := stress.CompareRun(t, firstwins.NewUnbuffered, newSeqResolver, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Leak {
		t.Fatalf("the blocked senders were not caught as a leak: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
