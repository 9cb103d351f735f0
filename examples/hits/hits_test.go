package hits_test

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/hits"
	"github.com/interleave-go/interleave/examples/internal/expect"
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
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (atomic.Int64 is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[atomic.Int64]().PkgPath() != "sync/atomic"
