// Package counter is the article's optimistic counter: an int64 updated
// with a compare-and-swap loop instead of a lock, and the article's
// lost-update bug kept as a mutant.
//
// Both are plain sync/atomic code, as the article writes it: interleave
// runs them under its controlled scheduler through the build-time
// instrumentation (interleave test), like any user's code.
package counter

import "sync/atomic"

// Interface is what every variant implements.
type Interface interface {
	// Add adds delta and returns the new value.
	Add(delta int64) int64
	// Value returns the current value.
	Value() int64
}

// CAS is a counter updated with a compare-and-swap loop: Add reads
// the value, computes the new one and installs it only if nobody changed
// it meanwhile, retrying otherwise. Unlike the article's version it does
// not sleep between retries: a failed CAS means another Add succeeded, so
// the system as a whole made progress.
//
// The zero value is a counter at zero. It is safe for concurrent use and
// must not be copied after first use.
type CAS struct {
	v atomic.Int64
}

// Add adds delta and returns the new value.
func (c *CAS) Add(delta int64) int64 {
	for {
		cur := c.v.Load()
		if c.v.CompareAndSwap(cur, cur+delta) {
			return cur + delta
		}
	}
}

// Value returns the current value.
func (c *CAS) Value() int64 { return c.v.Load() }

// LostUpdate is a MUTANT: Add loads the value and stores the sum with two
// separate atomic operations, so an Add that runs between them is
// overwritten. Each access is atomic; the update as a whole is not.
type LostUpdate struct {
	v atomic.Int64
}

// Add adds delta, unless another Add comes between its load and its store.
func (c *LostUpdate) Add(delta int64) int64 {
	cur := c.v.Load()
	c.v.Store(cur + delta)
	return cur + delta
}

// Value returns the current value.
func (c *LostUpdate) Value() int64 { return c.v.Load() }

// Variant is one implementation, correct or a mutant.
type Variant struct {
	Name string
	// Bug describes the mutant's bug; empty for a correct variant.
	Bug string
	New func() Interface
}

// Mutant reports whether the variant has a bug on purpose.
func (v Variant) Mutant() bool { return v.Bug != "" }

// Variants lists the counter implementations.
var Variants = []Variant{
	{Name: "CAS", New: func() Interface { return new(CAS) }},
	{Name: "LostUpdate", Bug: "load and store are separate: a concurrent Add is lost", New: func() Interface { return new(LostUpdate) }},
}
