package stress_test

import (
	"pgregory.net/rapid"

	"testing"

	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// drainWriter is a bounded buffer that a goroutine, started by its
// constructor, drains: the shape of a batcher or a log writer. Write waits
// for room, Flush until the buffer is empty, and Close stops the drainer.
// signal selects the bug: one Cond for three kinds of waiter, woken with
// Signal where Broadcast is needed.
type drainWriter struct {
	mu      sched.Mutex
	cond    *sched.Cond
	buf     []int
	cap     int
	written int
	closed  bool
	signal  bool
}

func newDrainWriter(signal bool) *drainWriter {
	w := &drainWriter{cap: 1, signal: signal}
	w.cond = sched.NewCond(&w.mu)
	sched.Go(w.drain)
	return w
}

func (w *drainWriter) wake() {
	if w.signal {
		w.cond.Signal()
	} else {
		w.cond.Broadcast()
	}
}

func (w *drainWriter) drain() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.buf) == 0 && !w.closed {
			w.cond.Wait()
		}
		if len(w.buf) == 0 {
			return
		}
		w.buf = w.buf[1:]
		w.written++
		w.wake()
	}
}

// Write appends v, waiting for room.
func (w *drainWriter) Write(v int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) == w.cap {
		w.cond.Wait()
	}
	w.buf = append(w.buf, v)
	w.wake()
}

// Flush waits until everything written so far is drained and returns how
// many values were.
func (w *drainWriter) Flush() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.buf) > 0 {
		w.cond.Wait()
	}
	return w.written
}

// Close stops the drainer once the buffer is empty.
func (w *drainWriter) Close() {
	w.mu.Lock()
	w.closed = true
	w.cond.Broadcast()
	w.mu.Unlock()
}

// leakyWriter has no Close: its drainer waits for good after the last
// operation.
type leakyWriter struct{ w *drainWriter }

func (l *leakyWriter) Write(v int) { l.w.Write(v) }
func (l *leakyWriter) Flush() int  { return l.w.Flush() }

// seqWriter is the reference: writes are drained at once.
type seqWriter struct{ n int }

func (s *seqWriter) Write(int)  { s.n++ }
func (s *seqWriter) Flush() int { return s.n }

// TestConstructorGoroutine: a goroutine the constructor starts runs under
// the scheduler with the operations, in controlled mode. The correct
// writer passes (it was a false alarm: the drainer, started outside the
// run, locked in one mode and unlocked in the other); the Signal bug is
// found as a deadlock; a drainer nobody stops is a leak.
func TestConstructorGoroutine(t *testing.T) {
	opts := []stress.Option{stress.WithMode(stress.Controlled), stress.WithSeed(3), stress.WithChecks(300), stress.Args(rapid.IntRange(1, 3)), artifacts(t)}
	res, err := stress.CompareRun(t, func() *drainWriter { return newDrainWriter(false) }, func() *seqWriter { return new(seqWriter) }, opts...)
	if err != nil || res.Failure != nil {
		t.Fatalf("the correct writer: %v, %v", res.Failure, err)
	}
	if res.Executions < 300 {
		t.Fatalf("the correct writer ran %d executions, want at least 300", res.Executions)
	}

	res, err = stress.CompareRun(t, func() *drainWriter { return newDrainWriter(true) }, func() *seqWriter { return new(seqWriter) }, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Deadlock || f.Mode != stress.Controlled {
		t.Fatalf("the Signal bug: got %v, want a deadlock under controlled scheduling", f)
	}

	res, err = stress.CompareRun(t, func() *leakyWriter { return &leakyWriter{newDrainWriter(false)} }, func() *seqWriter { return new(seqWriter) }, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Leak || f.Mode != stress.Controlled || f.Size != 1 {
		t.Fatalf("the drainer nobody stops: got %v, want a leak under controlled scheduling, after one operation", f)
	}
}
