package sched

import (
	"iter"
	"sync/atomic"
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
// runtime does. A select statement becomes [Select].
type Chan[T any] struct{ h *hchan[T] }

type hchan[T any] struct {
	c      chan T
	closed atomic.Bool
	run    *chanRun[T] // guarded by the scheduler's mu
}

// chanRun is a channel's waiting threads in one controlled run.
type chanRun[T any] struct {
	s            *scheduler
	recvq, sendq []*chanWaiter[T]
}

// chanWaiter is a thread waiting to send v, or to receive into v and ok.
// done is set when the operation has been done for it (and not by a
// close, for a sender). Its address is the queue the thread blocks on,
// unless it waits in a select (sel), whose case idx it is.
type chanWaiter[T any] struct {
	t        *thread
	v        T
	ok, done bool
	sel      *selectWait
	idx      int
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
	c.h.closed.Store(true)
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
	s.mu.Lock()
	r := h.runOf(s)
	res := h.sendLocked(s, r, v)
	var w *chanWaiter[T]
	if res == wouldBlock {
		w = &chanWaiter[T]{t: t, v: v}
		r.sendq = append(r.sendq, w)
	}
	s.mu.Unlock()
	if w != nil {
		if s.block(t, unsafe.Pointer(w), Event{Kind: KindBlock, Var: id, Text: "Send"}, nil) == nil {
			return
		}
		if !w.done {
			res = closed
		}
	}
	h.sent(s, t, v, res)
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
	v, ok, done := h.recvLocked(s, r)
	var w *chanWaiter[T]
	if !done {
		w = &chanWaiter[T]{t: t}
		r.recvq = append(r.recvq, w)
	}
	s.mu.Unlock()
	if w != nil {
		if s.block(t, unsafe.Pointer(w), Event{Kind: KindBlock, Var: id, Text: "Recv"}, nil) == nil {
			return v, false
		}
		v, ok = w.v, w.ok
	}
	h.received(s, t, v, ok)
	return v, ok
}

//go:noinline
func (c Chan[T]) closeSlow() {
	s := controlled()
	if s == nil {
		close(c.ch())
		c.h.closed.Store(true)
		return
	}
	t := s.point()
	if t == nil || c.h == nil {
		close(c.ch()) // a nil channel panics with the runtime's error
		c.h.closed.Store(true)
		return
	}
	h := c.h
	if h.closed.Load() {
		// Shown in the trace: the goroutine's deferred calls run next.
		s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Close: panics, closed already"})
	}
	close(h.c) // panics if closed already
	h.closed.Store(true)
	s.mu.Lock()
	r := h.runOf(s)
	for w := r.live(&r.recvq); w != nil; w = r.live(&r.recvq) {
		r.recvq = r.recvq[1:]
		w.done = true // with the zero value and ok false
		r.fire(s, w)
	}
	for w := r.live(&r.sendq); w != nil; w = r.live(&r.sendq) {
		r.sendq = r.sendq[1:]
		r.fire(s, w) // not done: it panics
	}
	s.mu.Unlock()
	s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Close"})
}

// sendResult is what a send that does not wait found.
type sendResult uint8

const (
	sent sendResult = iota
	closed
	wouldBlock
)

// sendLocked sends v if that can be done without waiting: to the
// receiver that has waited longest, or into the buffer. On a closed
// channel it sends nothing: the caller panics (see sent). Called with
// s.mu held.
func (h *hchan[T]) sendLocked(s *scheduler, r *chanRun[T], v T) sendResult {
	if w := r.live(&r.recvq); w != nil {
		r.recvq = r.recvq[1:]
		w.v, w.ok, w.done = v, true, true
		r.fire(s, w)
		return sent
	}
	if h.closed.Load() {
		return closed
	}
	select {
	case h.c <- v:
		return sent
	default:
		return wouldBlock
	}
}

// sent ends a send of thread t: it panics on a closed channel, with the
// runtime's error, or records the send.
func (h *hchan[T]) sent(s *scheduler, t *thread, v T, res sendResult) {
	if res == closed {
		s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Send: panics, channel closed"})
		h.c <- v
	}
	s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Send", New: formatAny(s, v)})
}

// recvLocked receives if that can be done without waiting: from the
// sender that has waited longest (through the buffer, if there is one,
// which is then full), from the buffer, or the zero value from a closed
// channel. done is false if it must wait. Called with s.mu held.
func (h *hchan[T]) recvLocked(s *scheduler, r *chanRun[T]) (v T, ok, done bool) {
	if w := r.live(&r.sendq); w != nil {
		r.sendq = r.sendq[1:]
		if cap(h.c) == 0 {
			v = w.v
		} else {
			v = <-h.c
			h.c <- w.v
		}
		w.done = true
		r.fire(s, w)
		return v, true, true
	}
	select {
	case v, ok = <-h.c:
		return v, ok, true
	default:
		return v, false, false
	}
}

// received records a receive of thread t.
func (h *hchan[T]) received(s *scheduler, t *thread, v T, ok bool) {
	s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(h)), Text: "Recv", New: formatAny(s, v), OK: ok})
}

// live returns the first waiter of q that can still be served, dropping
// those of selects that another case has already fired, or nil.
func (r *chanRun[T]) live(q *[]*chanWaiter[T]) *chanWaiter[T] {
	for len(*q) > 0 {
		if w := (*q)[0]; w.sel == nil || w.sel.fired < 0 {
			return w
		}
		*q = (*q)[1:]
	}
	return nil
}

// fire wakes the thread of waiter w, which has been served (or woken by a
// close); for a select, w's case is the one that fires.
//
// The thread woken is not among Decision.Woken: code that talks over
// channels wakes a thread at nearly every operation, and window-pct's
// wake-up windows, spread over them all, left too few priority changes
// for the windows a bug needed (a context's deadline passing between a
// server's check of ctx.Err() and its reply: cmd/interleave's
// testdata/ctxcancel, a median of 90 executions to the first failure
// over seeds 1-20, 384 at worst, without them, 450 and 2,077 with them).
func (r *chanRun[T]) fire(s *scheduler, w *chanWaiter[T]) {
	if w.sel != nil {
		w.sel.fired = w.idx
		s.unblockLocked(w.t, unsafe.Pointer(w.sel))
		return
	}
	s.unblockLocked(w.t, unsafe.Pointer(w))
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
