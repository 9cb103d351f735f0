package logbuf_test

import (
	"testing"

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
	res, err := stress.CompareRun(t, logbuf.NewSignal, newSeqLog, stress.WithSeed(1))
	if err != nil || res.Failure == nil || (res.Failure.Kind != stress.Deadlock && res.Failure.Kind != stress.Hang) {
		t.Fatalf("the missed wakeup was not caught as a deadlock or hang: %v, %+v", err, res.Failure)
	}
	t.Logf("%v found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Kind, res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
