// Package reexec holds counters written on plain sync/atomic, for the
// test that plain go test reaches controlled mode by re-running a test
// instrumented (../../reexec_test.go).
package reexec

import "sync/atomic"

// Lossy counts, with a lost update: Add loads, then stores, so two Adds
// can load the same value and one update is lost.
type Lossy struct {
	n atomic.Int64
}

// Add adds d and returns the new value.
func (c *Lossy) Add(d int64) int64 {
	v := c.n.Load() // the load
	c.n.Store(v + d)
	return v + d
}

// Get returns the value.
func (c *Lossy) Get() int64 { return c.n.Load() }

// Counter is Lossy's correct twin: Add is one atomic step.
type Counter struct {
	n atomic.Int64
}

// Add adds d and returns the new value.
func (c *Counter) Add(d int64) int64 { return c.n.Add(d) }

// Get returns the value.
func (c *Counter) Get() int64 { return c.n.Load() }
