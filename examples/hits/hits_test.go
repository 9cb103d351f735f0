package hits_test

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

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
	res, err := stress.CompareRun(t, hits.NewLoadStore, newSeqCounter, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expectCaught(t, res, err, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (atomic.Int64 is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[atomic.Int64]().PkgPath() != "sync/atomic"

// expectCaught fails t unless res holds a failure of kind, shown under
// controlled scheduling when the package is instrumented. In stress mode
// (plain go test) a race whose window is a few instructions wide can slip
// through every execution, so there a miss skips the test, saying so;
// interleave test catches it on every seed.
func expectCaught(t *testing.T, res stress.Summary, err error, kind stress.Kind) {
	t.Helper()
	switch f := res.Failure; {
	case err != nil:
		t.Fatal(err)
	case f == nil && !instrumented:
		t.Skipf("stress mode missed the bug in %d executions; run it under interleave test, which does not", res.Executions)
	case f == nil:
		t.Fatalf("the bug was not caught in %d controlled executions", res.Executions)
	case f.Kind != kind:
		t.Fatalf("caught as %v, want %v:\n%s", f.Kind, kind, f.Report())
	case instrumented && f.Mode != stress.Controlled:
		t.Fatalf("shown in %v mode, want controlled:\n%s", f.Mode, f.Report())
	}
	f := res.Failure
	t.Logf("%v found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		f.Kind, f.Executions, f.Threads, f.Ops, f.Preemptions, f.Mode)
}
