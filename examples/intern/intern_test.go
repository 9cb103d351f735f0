package intern_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/intern"
	"github.com/interleave-go/interleave/examples/internal/expect"
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
	res, err := stress.CompareRun(t, intern.NewCheckThenAct, newSeqTable, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (sync.RWMutex is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[sync.RWMutex]().PkgPath() != "sync"
