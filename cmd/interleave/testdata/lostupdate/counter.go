// Package lostupdate is a counter written the way people write one, on
// plain sync/atomic, with a lost update: Add loads, then stores.
package lostupdate

import "sync/atomic"

// Counter counts.
type Counter struct {
	n atomic.Int64
}

// Add adds d and returns the new value. It is not atomic: two Adds can
// load the same value and one update is lost.
func (c *Counter) Add(d int64) int64 {
	v := c.n.Load() // the load
	c.n.Store(v + d)
	return v + d
}

// Get returns the value.
func (c *Counter) Get() int64 { return c.n.Load() }
