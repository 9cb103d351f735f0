package inventory_test

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/examples/internal/expect"
	"github.com/interleave-go/interleave/examples/inventory"
	"github.com/interleave-go/interleave/stress"
)

// seqStock is the reference: stock for one goroutine.
type seqStock struct{ n [inventory.Warehouses]int }

func newSeqStock() *seqStock                 { return new(seqStock) }
func (s *seqStock) Restock(w, n int)         { s.n[w] += n }
func (s *seqStock) Transfer(from, to, n int) { s.n[from] -= n; s.n[to] += n }
func (s *seqStock) At(w int) int             { return s.n[w] }
func (s *seqStock) Total() (t int) {
	for _, n := range s.n {
		t += n
	}
	return t
}

// small draws warehouses and amounts alike.
var small = stress.Args(rapid.IntRange(0, inventory.Warehouses-1))

func TestCompareStock(t *testing.T) {
	stress.Compare(t, inventory.NewStock, newSeqStock, small)
}

func TestStripedCaught(t *testing.T) {
	res, err := stress.CompareRun(t, inventory.NewStriped, newSeqStock, small, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

func TestUnlockedAtCaught(t *testing.T) {
	res, err := stress.CompareRun(t, inventory.NewUnlockedAt, newSeqStock, small, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (atomic.Int64 is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[atomic.Int64]().PkgPath() != "sync/atomic"
