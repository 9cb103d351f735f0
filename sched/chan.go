package sched

import (
	"iter"
	"unsafe"
)

// Chan is a channel of T whose operations are scheduling points in a
// controlled run, where a goroutine that cannot send or receive is not
// runnable. It stands for chan T, <-chan T and chan<- T: a rewriter turns
// make(chan T, n) into MakeChan[T](n), ch <- v into ch.Send(v), <-ch into
// ch.Recv(), v, ok := <-ch into ch.Recv2(), close(ch) into ch.Close(),
// len and cap into Len and Cap, and for v := range ch into
// for v := range ch.Range(). The zero value is a nil channel: sending to
// or receiving from it blocks forever, closing it panics. Chans are
// compared with ==, like channels.
//
// Outside a controlled run every operation is the one on the channel
// inside, at the cost of one atomic load more. In a controlled run that
// channel holds the buffer and the closed state, and the goroutines
// waiting are the scheduler's, in FIFO queues: a send to a waiting
// receiver hands it the value, a receive from a full buffer lets the
// first waiting sender's value in, a close wakes every waiter, as the
// runtime does. select is not supported yet (see the package doc).
type Chan[T any] struct{ h *hchan[T] }

type hchan[T any] struct {
	c   chan T
	run *chanRun[T] // guarded by the scheduler's mu
}

// chanRun is a channel's waiting threads in one controlled run.
type chanRun[T any] struct {
	s            *scheduler
	recvq, sendq []*chanWaiter[T]
}

// chanWaiter is a thread waiting to send v, or to receive into v and ok.
// done is set when the operation has been done for it (and not by a
// close, for a sender). Its address is the queue the thread blocks on.
type chanWaiter[T any] struct {
	t        *thread
	v        T
	ok, done bool
}

// MakeChan returns a channel of T with a buffer of size elements, as
// make(chan T, size) does.
func MakeChan[T any](size int) Chan[T] { return Chan[T]{&hchan[T]{c: make(chan T, size)}} }

func (c Chan[T]) ch() chan T {
	if c.h == nil {
		return nil
	}
	return c.h.c
}

// Send sends v on the channel, waiting until there is a receiver or room
// in the buffer. It panics if the channel is closed.
func (c Chan[T]) Send(v T) {
	if on.Load() != 0 {
		c.sendSlow(v)
		return
	}
	c.ch() <- v
}

// Recv receives a value from the channel, waiting until there is one; a
// closed and drained channel gives the zero value.
func (c Chan[T]) Recv() T {
	v, _ := c.Recv2()
	return v
}

// Recv2 receives a value from the channel, as v, ok := <-ch does: ok is
// false when the channel is closed and drained.
func (c Chan[T]) Recv2() (v T, ok bool) {
	if on.Load() != 0 {
		return c.recvSlow()
	}
	v, ok = <-c.ch()
	return v, ok
}

// Close closes the channel. It panics if the channel is nil or closed.
func (c Chan[T]) Close() {
	if on.Load() != 0 {
		c.closeSlow()
		return
	}
	close(c.ch())
}

// Len returns the number of elements in the buffer. In a controlled run
// it is a scheduling point.
func (c Chan[T]) Len() int {
	if on.Load() != 0 {
		if s := controlled(); s != nil && c.h != nil {
			if t := s.point(); t != nil {
				n := len(c.h.c)
				s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(c.h)), Text: "Len", New: formatInt(s, int64(n))})
				return n
			}
		}
	}
	return len(c.ch())
}

// Cap returns the size of the buffer.
func (c Chan[T]) Cap() int { return cap(c.ch()) }

// Range returns the values received from the channel until it is closed
// and drained, as for v := range ch does.
func (c Chan[T]) Range() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.Recv2()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

//go:noinline
func (c Chan[T]) sendSlow(v T) {
	s := controlled()
	if s == nil {
		c.ch() <- v
		return
	}
	t := s.point()
	if t == nil {
		select { // the run is over: pass through, never waiting
		case c.ch() <- v:
		default:
		}
		return
	}
	if c.h == nil {
		c.blockForever(s, t, "Send")
		return
	}
	h, id := c.h, s.varOf(unsafe.Pointer(c.h))
	e := Event{Kind: KindOp, Var: id, Text: "Send", New: formatAny(s, v)}
	s.mu.Lock()
	r := h.runOf(s)
	if len(r.recvq) > 0 { // hand v to the receiver that has waited longest
		w := r.recvq[0]
		r.recvq = r.recvq[1:]
		w.v, w.ok, w.done = v, true, true
		s.unblockLocked(w.t, unsafe.Pointer(w))
		s.mu.Unlock()
		s.record(t, e)
		return
	}
	s.mu.Unlock()
	select {
	case h.c <- v: // room in the buffer; panics if closed, as it should
		s.record(t, e)
		return
	default:
	}
	w := &chanWaiter[T]{t: t, v: v}
	s.mu.Lock()
	r.sendq = append(r.sendq, w)
	s.mu.Unlock()
	if s.block(t, unsafe.Pointer(w), Event{Kind: KindBlock, Var: id, Text: "Send"}, nil) == nil {
		return
	}
	if !w.done {
		h.c <- v // woken by a close: panics with the runtime's error
	}
	s.record(t, e)
}

//go:noinline
func (c Chan[T]) recvSlow() (v T, ok bool) {
	s := controlled()
	if s == nil {
		v, ok = <-c.ch()
		return v, ok
	}
	t := s.point()
	if t == nil {
		select {
		case v, ok = <-c.ch():
		default:
		}
		return v, ok
	}
	if c.h == nil {
		c.blockForever(s, t, "Recv")
		return v, false
	}
	h, id := c.h, s.varOf(unsafe.Pointer(c.h))
	s.mu.Lock()
	r := h.runOf(s)
	if len(r.sendq) > 0 { // take the value of the sender that has waited longest
		w := r.sendq[0]
		r.sendq = r.sendq[1:]
		if cap(h.c) == 0 {
			v = w.v
		} else { // the buffer is full: take its head, let w's value in
			v = <-h.c
			h.c <- w.v
		}
		w.done = true
		s.unblockLocked(w.t, unsafe.Pointer(w))
		s.mu.Unlock()
		s.record(t, Event{Kind: KindOp, Var: id, Text: "Recv", New: formatAny(s, v), OK: true})
		return v, true
	}
	s.mu.Unlock()
	select {
	case v, ok = <-h.c:
		s.record(t, Event{Kind: KindOp, Var: id, Text: "Recv", New: formatAny(s, v), OK: ok})
		return v, ok
	default:
	}
	w := &chanWaiter[T]{t: t}
	s.mu.Lock()
	r.recvq = append(r.recvq, w)
	s.mu.Unlock()
	if s.block(t, unsafe.Pointer(w), Event{Kind: KindBlock, Var: id, Text: "Recv"}, nil) == nil {
		return v, false
	}
	s.record(t, Event{Kind: KindOp, Var: id, Text: "Recv", New: formatAny(s, w.v), OK: w.ok})
	return w.v, w.ok
}

//go:noinline
func (c Chan[T]) closeSlow() {
	s := controlled()
	if s == nil {
		close(c.ch())
		return
	}
	t := s.point()
	if t == nil || c.h == nil {
		close(c.ch()) // a nil channel panics with the runtime's error
		return
	}
	h := c.h
	close(h.c) // panics if closed already
	s.mu.Lock()
	r := h.runOf(s)
	for _, w := range r.recvq {
		w.done = true
		s.unblockLocked(w.t, unsafe.Pointer(w))
	}
	for _, w := range r.sendq {
		s.unblockLocked(w.t, unsafe.Pointer(w)) // it panics
	}
	r.recvq, r.sendq = nil, nil
	s.mu.Unlock()
	s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Close"})
}

// blockForever blocks t for good, as an operation on a nil channel does;
// only the end of the run unwinds it.
func (c Chan[T]) blockForever(s *scheduler, t *thread, op string) {
	s.block(t, unsafe.Pointer(&c), Event{Kind: KindBlock, Text: op + " (nil channel)"}, nil)
}

// runOf returns h's waiters in the run of s, forgetting those of an
// earlier run. Called with s.mu held.
func (h *hchan[T]) runOf(s *scheduler) *chanRun[T] {
	if h.run == nil || h.run.s != s {
		h.run = &chanRun[T]{s: s}
	}
	return h.run
}
