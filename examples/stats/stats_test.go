package stats_test

import (
	"testing"

	"github.com/interleave-go/interleave/examples/stats"
	"github.com/interleave-go/interleave/stress"
)

// seqRecorder is the reference: a recorder for one goroutine.
type seqRecorder struct{ count, sum int }

func newSeqRecorder() *seqRecorder          { return new(seqRecorder) }
func (r *seqRecorder) Record(v int)         { r.count++; r.sum += v }
func (r *seqRecorder) Snapshot() (int, int) { return r.count, r.sum }

func TestCompareRecorder(t *testing.T) {
	stress.Compare(t, stats.NewRecorder, newSeqRecorder)
}

func TestTornCaught(t *testing.T) {
	res, err := stress.CompareRun(t, stats.NewTorn, newSeqRecorder, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Violation {
		t.Fatalf("the torn pair was not caught as a violation: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
