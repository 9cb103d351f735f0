package stats_test

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/internal/expect"
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
	res, err := stress.CompareRun(t, stats.NewTorn, newSeqRecorder, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (atomic.Int64 is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[atomic.Int64]().PkgPath() != "sync/atomic"
