package inventory_test

import (
	"testing"

	"pgregory.net/rapid"

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
	res, err := stress.CompareRun(t, inventory.NewStriped, newSeqStock, small, stress.WithSeed(1))
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Violation {
		t.Fatalf("the torn Total was not caught as a violation: %v, %+v", err, res.Failure)
	}
	t.Logf("found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		res.Failure.Executions, res.Failure.Threads, res.Failure.Ops, res.Failure.Preemptions, res.Failure.Mode)
}
