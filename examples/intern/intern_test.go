package intern_test

import (
	"testing"

	"github.com/interleave-go/interleave/examples/intern"
	"github.com/interleave-go/interleave/stress"
)

// seqTable is the reference: a table for one goroutine.
type seqTable struct{ ids map[string]int }

func newSeqTable() *seqTable { return &seqTable{ids: map[string]int{}} }

func (t *seqTable) ID(s string) int {
	if id, ok := t.ids[s]; ok {
		return id
	}
	t.ids[s] = len(t.ids)
	return t.ids[s]
}

func (t *seqTable) Len() int { return len(t.ids) }

func TestCompareTable(t *testing.T) {
	stress.Compare(t, intern.NewTable, newSeqTable)
}

func TestCheckThenActCaught(t *testing.T) {
	res, err := stress.CompareRun(t, intern.NewCheckThenAct, newSeqTable, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Violation {
		t.Fatalf("the check-then-act was not caught as a violation: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
