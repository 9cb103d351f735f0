// Package inventory keeps the stock of one item across warehouses, one
// sync/atomic counter per warehouse, so that warehouses do not contend.
//
// Stock is correct: Restock and At touch one counter under a read lock,
// while Transfer and Total, which touch several, hold the write lock. Striped
// has no lock: Total adds the counters one after the other while a
// Transfer takes from one and gives to another, so Total can miss the
// units in transit, or count them twice, and return a total the
// inventory never had.
package inventory

import (
	"sync"
	"sync/atomic"
)

// Warehouses is the number of warehouses, numbered from 0.
const Warehouses = 4

// Stock is the stock of one item in each warehouse.
type Stock struct {
	mu sync.RWMutex // read: one counter at a time; write: several
	n  [Warehouses]atomic.Int64
}

// NewStock returns an empty Stock.
func NewStock() *Stock { return new(Stock) }

// Restock adds n units to warehouse w.
func (s *Stock) Restock(w, n int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.n[w].Add(int64(n))
}

// Transfer moves n units from warehouse from to warehouse to.
func (s *Stock) Transfer(from, to, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[from].Add(-int64(n))
	s.n[to].Add(int64(n))
}

// At returns the units in warehouse w. It takes the read lock too: in
// the middle of a Transfer(w, w, n) the counter is n short.
func (s *Stock) At(w int) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return int(s.n[w].Load())
}

// Total returns the units in all warehouses.
func (s *Stock) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t int64
	for i := range s.n {
		t += s.n[i].Load()
	}
	return int(t)
}

// Striped is Stock without the lock. A bug: Total is not atomic with
// respect to Transfer.
type Striped struct {
	n [Warehouses]atomic.Int64
}

// NewStriped returns an empty Striped.
func NewStriped() *Striped { return new(Striped) }

// Restock adds n units to warehouse w.
func (s *Striped) Restock(w, n int) { s.n[w].Add(int64(n)) }

// Transfer moves n units from warehouse from to warehouse to.
func (s *Striped) Transfer(from, to, n int) {
	s.n[from].Add(-int64(n))
	s.n[to].Add(int64(n))
}

// At returns the units in warehouse w.
func (s *Striped) At(w int) int { return int(s.n[w].Load()) }

// Total returns the units in all warehouses, read one after the other.
func (s *Striped) Total() int {
	var t int64
	for i := range s.n {
		t += s.n[i].Load()
	}
	return int(t)
}

// UnlockedAt is Stock whose At reads its counter without the lock, since
// one atomic load needs none. A bug: in the middle of a Transfer the
// counter it reads is the sender's, already debited, while the receiver
// is not yet credited.
type UnlockedAt struct {
	Stock
}

// NewUnlockedAt returns an empty UnlockedAt.
func NewUnlockedAt() *UnlockedAt { return new(UnlockedAt) }

// At returns the units in warehouse w.
func (s *UnlockedAt) At(w int) int { return int(s.n[w].Load()) }
