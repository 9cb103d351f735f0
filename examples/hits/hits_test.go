package hits_test

import (
	"testing"

	"github.com/interleave-go/interleave/examples/hits"
	"github.com/interleave-go/interleave/stress"
)

// seqCounter is the reference: a counter for one goroutine.
type seqCounter struct{ n int }

func newSeqCounter() *seqCounter    { return new(seqCounter) }
func (c *seqCounter) Add(n int) int { c.n += n; return c.n }
func (c *seqCounter) Count() int    { return c.n }

func TestCompareCounter(t *testing.T) {
	stress.Compare(t, hits.NewCounter, newSeqCounter)
}

func TestLoadStoreCaught(t *testing.T) {
	res, err := stress.CompareRun(t, hits.NewLoadStore, newSeqCounter, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Violation {
		t.Fatalf("the lost update was not caught as a violation: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
