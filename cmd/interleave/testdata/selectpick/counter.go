// Package selectpick holds two counters that publish their value in a
// snapshot channel of one slot, which Get may take instead of locking.
// Stale publishes only when the slot is free, so the snapshot can be old:
// the bug shows only when Get's select picks the snapshot case while the
// lock case is ready too. Fresh replaces the snapshot under the lock, and
// is correct.
package selectpick

// Stale counts; Get may return an old value.
type Stale struct {
	lock chan struct{}
	snap chan int64
	n    int64
}

// NewStale returns a Stale at 0.
func NewStale() *Stale { return &Stale{lock: make(chan struct{}, 1), snap: make(chan int64, 1)} }

// Add adds d and returns the new value.
func (c *Stale) Add(d int64) int64 {
	c.lock <- struct{}{}
	c.n += d
	v := c.n
	select {
	case c.snap <- v: // publish, if the slot is free
	default:
	}
	<-c.lock
	return v
}

// Get returns the value: the snapshot, or the value under the lock.
func (c *Stale) Get() int64 {
	select {
	case v := <-c.snap:
		return v
	case c.lock <- struct{}{}:
		v := c.n
		<-c.lock
		return v
	}
}

// Fresh counts, correctly: the snapshot, when there is one, is the value.
type Fresh struct {
	lock chan struct{}
	snap chan int64
	n    int64
}

// NewFresh returns a Fresh at 0.
func NewFresh() *Fresh { return &Fresh{lock: make(chan struct{}, 1), snap: make(chan int64, 1)} }

// Add adds d and returns the new value.
func (c *Fresh) Add(d int64) int64 {
	c.lock <- struct{}{}
	c.n += d
	v := c.n
	select {
	case <-c.snap: // drop the old snapshot
	default:
	}
	c.snap <- v
	<-c.lock
	return v
}

// Get returns the value: the snapshot, or the value under the lock.
func (c *Fresh) Get() int64 {
	select {
	case v := <-c.snap:
		return v
	case c.lock <- struct{}{}:
		v := c.n
		<-c.lock
		return v
	}
}
