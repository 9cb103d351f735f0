package logbuf_test

import (
	"slices"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/logbuf"
	"github.com/interleave-go/interleave/stress"
)

// seqLog is the reference: a writer for one goroutine, with no buffer.
type seqLog struct{ written int }

func newSeqLog() *seqLog      { return new(seqLog) }
func (l *seqLog) Write(v int) { l.written += v }
func (l *seqLog) Flush() int  { return l.written }

func TestCompareWriter(t *testing.T) {
	stress.Compare(t, logbuf.NewWriter, newSeqLog)
}

func TestSignalCaught(t *testing.T) {
	res, err := stress.CompareRun(t, logbuf.NewSignal, newSeqLog, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expectCaught(t, res, err, stress.Deadlock, stress.Hang)
}

// expectCaught fails t unless res holds a failure of one of the kinds:
// a deadlock under controlled scheduling, a hang in stress mode. Both modes find this bug on every seed.
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
