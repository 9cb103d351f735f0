package blocking

import "github.com/interleave-go/interleave/sched"

// Buffer is a bounded FIFO buffer of ints whose Put waits while it is
// full and whose Take waits while it is empty. Make one with NewBuffer.
type Buffer struct {
	mu                sched.Mutex
	notEmpty, notFull *sched.Cond
	items             []int
	size              int
	// lostWakeup keeps the bug of NewBufferLostWakeup.
	lostWakeup bool
}

// NewBuffer returns an empty buffer that holds at most size values.
func NewBuffer(size int) *Buffer {
	b := &Buffer{size: size}
	b.notEmpty, b.notFull = sched.NewCond(&b.mu), sched.NewCond(&b.mu)
	return b
}

// NewBufferLostWakeup returns a buffer whose Put wakes a waiting Take
// only when the buffer was empty before it.
//
// Bug: two Takes wait; two Puts in a row wake only one of them (the
// buffer is not empty for the second Put), and the other Take waits
// forever with a value in the buffer.
func NewBufferLostWakeup(size int) *Buffer {
	b := NewBuffer(size)
	b.lostWakeup = true
	return b
}

// Put adds v at the back, waiting while the buffer is full.
func (b *Buffer) Put(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == b.size {
		b.notFull.Wait()
	}
	wasEmpty := len(b.items) == 0
	b.items = append(b.items, v)
	if !b.lostWakeup || wasEmpty {
		b.notEmpty.Signal()
	}
}

// Take removes and returns the front value, waiting while the buffer is
// empty.
func (b *Buffer) Take() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == 0 {
		b.notEmpty.Wait()
	}
	v := b.items[0]
	b.items = b.items[1:]
	b.notFull.Signal()
	return v
}
