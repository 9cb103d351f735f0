// Package intern gives strings small, stable ids, behind a sync.RWMutex.
//
// Table is correct: it checks under the read lock and checks again under
// the write lock. CheckThenAct checks under the read lock only, then
// takes the write lock and inserts: two callers that both missed assign
// two ids to one string, and the first one's id is lost.
package intern

import "sync"

// Table maps strings to ids 0, 1, 2, ... in order of first use.
type Table struct {
	mu   sync.RWMutex
	ids  map[string]int
	next int
}

// NewTable returns an empty Table.
func NewTable() *Table { return &Table{ids: map[string]int{}} }

// ID returns the id of s, assigning the next one if s is new.
func (t *Table) ID(s string) int {
	t.mu.RLock()
	id, ok := t.ids[s]
	t.mu.RUnlock()
	if ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[s]; ok { // another caller may have won
		return id
	}
	id = t.next
	t.next++
	t.ids[s] = id
	return id
}

// Len returns the number of strings with an id.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.ids)
}

// CheckThenAct is Table without the second check. A bug: between
// RUnlock and Lock another caller can assign s an id, which this one
// then overwrites with a new one.
type CheckThenAct struct {
	mu   sync.RWMutex
	ids  map[string]int
	next int
}

// NewCheckThenAct returns an empty CheckThenAct.
func NewCheckThenAct() *CheckThenAct { return &CheckThenAct{ids: map[string]int{}} }

// ID returns the id of s, assigning the next one if s is new.
func (t *CheckThenAct) ID(s string) int {
	t.mu.RLock()
	id, ok := t.ids[s]
	t.mu.RUnlock()
	if ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id = t.next
	t.next++
	t.ids[s] = id
	return id
}

// Len returns the number of strings with an id.
func (t *CheckThenAct) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.ids)
}
