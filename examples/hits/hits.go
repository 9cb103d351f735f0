// Package hits counts hits, on sync/atomic.
//
// Counter is correct. LoadStore has the classic lost update: it loads the
// count, adds, and stores the sum, so two Adds that load the same value
// store the same sum and one of them is lost.
package hits

import "sync/atomic"

// Counter counts hits; the zero value is ready to use.
type Counter struct {
	n atomic.Int64
}

// NewCounter returns a Counter at zero.
func NewCounter() *Counter { return new(Counter) }

// Add adds n hits and returns the new count.
func (c *Counter) Add(n int) int { return int(c.n.Add(int64(n))) }

// Count returns the count.
func (c *Counter) Count() int { return int(c.n.Load()) }

// LoadStore is Counter whose Add loads, then stores. A bug: two Adds can
// load the same count, and the second Store overwrites the first.
type LoadStore struct {
	n atomic.Int64
}

// NewLoadStore returns a LoadStore at zero.
func NewLoadStore() *LoadStore { return new(LoadStore) }

// Add adds n hits and returns the new count. It is not atomic.
func (c *LoadStore) Add(n int) int {
	v := c.n.Load() + int64(n)
	c.n.Store(v)
	return int(v)
}

// Count returns the count.
func (c *LoadStore) Count() int { return int(c.n.Load()) }
