// Package chanlock holds two counters written the way people write one
// with a channel of one slot as the lock: Split reads and writes the
// value in two critical sections, and loses updates; Whole does both in
// one, and is correct.
package chanlock

// Split counts, with a lost update: two Adds can read the same value.
type Split struct {
	lock chan struct{}
	n    int64
}

// NewSplit returns a Split at 0.
func NewSplit() *Split { return &Split{lock: make(chan struct{}, 1)} }

// Add adds d and returns the new value.
func (c *Split) Add(d int64) int64 {
	c.lock <- struct{}{}
	v := c.n // the read
	<-c.lock
	c.lock <- struct{}{}
	c.n = v + d
	<-c.lock
	return v + d
}

// Get returns the value.
func (c *Split) Get() int64 {
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	return c.n
}

// Whole counts, correctly.
type Whole struct {
	lock chan struct{}
	n    int64
}

// NewWhole returns a Whole at 0.
func NewWhole() *Whole { return &Whole{lock: make(chan struct{}, 1)} }

// Add adds d and returns the new value.
func (c *Whole) Add(d int64) int64 {
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	c.n += d
	return c.n
}

// Get returns the value.
func (c *Whole) Get() int64 {
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	return c.n
}
