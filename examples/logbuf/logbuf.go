// Package logbuf buffers writes in a bounded buffer that a background
// goroutine drains into a sink, with one sync.Cond for every waiter:
// writers wait while the buffer is full, the drainer while it is empty,
// and Flush until it is empty.
//
// Writer is correct: whoever changes the buffer wakes every waiter
// (Broadcast), and each checks its own condition again. Signal is Writer
// with Cond.Signal in their place, a missed wakeup: with waiters of
// different kinds on one Cond, Signal can wake one whose condition is
// still false, which goes back to sleep, while the one that could go on
// is never told. Then Flush, or the drainer, waits forever.
//
// Write and Flush block, but only until the drainer, which always runs,
// gets to them: in the correct Writer neither can block forever, so they
// need no timeout and Compare can call them in any order. A call that
// never returns is the bug.
package logbuf

import "sync"

// Capacity is the size of the buffer.
const Capacity = 2

// Writer is a buffered writer. Close stops its drainer.
type Writer struct {
	mu      sync.Mutex
	changed *sync.Cond // the buffer changed, or Close was called
	buf     []int
	written int // the sum of what reached the sink
	closed  bool
	drainer sync.WaitGroup
}

// NewWriter returns a Writer and starts its drainer.
func NewWriter() *Writer {
	w := &Writer{}
	w.changed = sync.NewCond(&w.mu)
	w.drainer.Add(1)
	go w.drain()
	return w
}

// Write appends v to the buffer, waiting while it is full.
func (w *Writer) Write(v int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) == Capacity {
		w.changed.Wait()
	}
	w.buf = append(w.buf, v)
	w.changed.Broadcast()
}

// Flush waits until the buffer is empty and returns the sum of all that
// reached the sink.
func (w *Writer) Flush() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) > 0 {
		w.changed.Wait()
	}
	return w.written
}

// Close stops the drainer once the buffer is empty.
func (w *Writer) Close() {
	w.mu.Lock()
	w.closed = true
	w.changed.Broadcast()
	w.mu.Unlock()
	w.drainer.Wait()
}

// drain moves the buffer to the sink, one value at a time.
func (w *Writer) drain() {
	defer w.drainer.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.buf) == 0 && !w.closed {
			w.changed.Wait()
		}
		if len(w.buf) == 0 {
			return
		}
		w.written += w.buf[0]
		w.buf = w.buf[1:]
		w.changed.Broadcast()
	}
}

// Signal is Writer with Signal in place of Broadcast. A bug.
type Signal struct {
	mu      sync.Mutex
	changed *sync.Cond
	buf     []int
	written int
	closed  bool
	drainer sync.WaitGroup
}

// NewSignal returns a Signal and starts its drainer.
func NewSignal() *Signal {
	w := &Signal{}
	w.changed = sync.NewCond(&w.mu)
	w.drainer.Add(1)
	go w.drain()
	return w
}

// Write appends v to the buffer, waiting while it is full.
func (w *Signal) Write(v int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) == Capacity {
		w.changed.Wait()
	}
	w.buf = append(w.buf, v)
	w.changed.Signal() // wakes one waiter, maybe not the drainer
}

// Flush waits until the buffer is empty and returns the sum of all that
// reached the sink.
func (w *Signal) Flush() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) > 0 {
		w.changed.Wait()
	}
	return w.written
}

// Close stops the drainer once the buffer is empty.
func (w *Signal) Close() {
	w.mu.Lock()
	w.closed = true
	w.changed.Broadcast()
	w.mu.Unlock()
	w.drainer.Wait()
}

func (w *Signal) drain() {
	defer w.drainer.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.buf) == 0 && !w.closed {
			w.changed.Wait()
		}
		if len(w.buf) == 0 {
			return
		}
		w.written += w.buf[0]
		w.buf = w.buf[1:]
		w.changed.Signal() // wakes one waiter, maybe not the Flush
	}
}
