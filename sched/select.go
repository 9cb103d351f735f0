package sched

import (
	"reflect"
	"unsafe"
)

// Case is one case of a [Select]: a send made by [Chan.SendCase] or a
// receive made by [Chan.RecvCase]. A Case is used by one Select.
type Case struct{ op caseOp }

type caseOp interface {
	// ready reports whether the case can go on now. Called with s.mu held.
	ready(s *scheduler) bool
	// run does the case, which is ready, for thread t.
	run(s *scheduler, t *thread)
	// wait queues t on the case's channel for the select sel, as case
	// idx. Called with s.mu held.
	wait(s *scheduler, t *thread, sel *selectWait, idx int)
	// woken ends the case after it fired for the waiting thread t.
	woken(s *scheduler, t *thread)
	// outside runs: the reflect case, and what to do with its result;
	// or, for a select of one case, the channel operation itself, which
	// waits if wait is set and reports whether it was done.
	reflect() reflect.SelectCase
	done(v reflect.Value, ok bool)
	direct(wait bool) bool
}

// selectWait is a select that waits on all its channels: fired is the
// case that woke it, or -1.
type selectWait struct{ fired int }

// SendCase returns the case of a [Select] that sends v on c, as
// case c <- v does.
func (c Chan[T]) SendCase(v T) Case { return Case{&sendCase[T]{h: c.h, v: v}} }

// RecvCase returns the case of a [Select] that receives from c into *v
// and reports in *ok whether the value came from a send (false when the
// channel is closed and drained), as case *v, *ok = <-c does; v and ok
// may be nil.
func (c Chan[T]) RecvCase(v *T, ok *bool) Case {
	return Case{&recvCase[T]{h: c.h, dst: v, ok: ok}}
}

// RecvVars returns a zero T and false: a rewritten select declares with
// it the variables its receive cases fill (v, ok := c.RecvVars(), then
// c.RecvCase(&v, &ok)) without having to name T.
func (c Chan[T]) RecvVars() (v T, ok bool) { return v, false }

// Select waits until one of cases can go on, does it and returns its
// index, as a select statement does; with hasDefault, it returns -1 at
// once instead of waiting. A rewriter turns
//
//	select {
//	case v := <-a:
//	case b <- x:
//	default:
//	}
//
// into a switch on Select(true, a.RecvCase(&v1, nil), b.SendCase(x)). In a
// controlled run the strategy, not the runtime's coin, picks among the
// ready cases (an unforced decision: Choice.Continuing is false), and a
// select that waits is not runnable until a case can go on. Outside a run
// it is reflect.Select, which costs more than a select statement, except
// for a select of one case (with or without default), done directly.
func Select(hasDefault bool, cases ...Case) int {
	if on.Load() != 0 {
		if s := controlled(); s != nil {
			return selectCtl(s, hasDefault, cases)
		}
	}
	return selectReflect(hasDefault, cases)
}

func selectReflect(hasDefault bool, cases []Case) int {
	switch {
	case len(cases) == 0 && hasDefault:
		return -1
	case len(cases) == 1: // the common shape, at a select statement's cost
		if cases[0].op.direct(!hasDefault) {
			return 0
		}
		return -1
	}
	rc := make([]reflect.SelectCase, len(cases), len(cases)+1)
	for i, c := range cases {
		rc[i] = c.op.reflect()
	}
	if hasDefault {
		rc = append(rc, reflect.SelectCase{Dir: reflect.SelectDefault})
	}
	i, v, ok := reflect.Select(rc)
	if i == len(cases) {
		return -1
	}
	cases[i].op.done(v, ok)
	return i
}

func selectCtl(s *scheduler, hasDefault bool, cases []Case) int {
	t := s.point()
	if t == nil {
		return selectReflect(true, cases) // the run is over: never wait
	}
	s.mu.Lock()
	var ready []int
	for i, c := range cases {
		if c.op.ready(s) {
			ready = append(ready, i)
		}
	}
	if len(ready) > 0 {
		i := ready[s.pickCase(len(ready))]
		s.mu.Unlock()
		cases[i].op.run(s, t)
		return i
	}
	if hasDefault {
		s.mu.Unlock()
		s.record(t, Event{Kind: KindOp, Text: "select default"})
		return -1
	}
	sel := &selectWait{fired: -1}
	for i, c := range cases {
		c.op.wait(s, t, sel, i)
	}
	s.mu.Unlock()
	if s.block(t, unsafe.Pointer(sel), Event{Kind: KindBlock, Text: "select"}, nil) == nil {
		return -1
	}
	cases[sel.fired].op.woken(s, t)
	return sel.fired
}

// pickCase asks the strategy which of n ready cases of a select goes on
// and returns its position. Called with mu held.
func (s *scheduler) pickCase(n int) int {
	if n == 1 {
		return 0
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	pick := s.strategy.Choose(Decision{Step: len(s.choices), Runnable: ids, Cases: true})
	if pick < 0 || pick >= n {
		pick = 0
	}
	s.choices = append(s.choices, Choice{N: n, Pick: pick})
	return pick
}

type sendCase[T any] struct {
	h *hchan[T]
	v T
	w *chanWaiter[T]
}

func (c *sendCase[T]) ready(s *scheduler) bool {
	if c.h == nil {
		return false
	}
	r := c.h.runOf(s)
	return r.live(&r.recvq) != nil || c.h.closed.Load() || len(c.h.c) < cap(c.h.c)
}

func (c *sendCase[T]) run(s *scheduler, t *thread) {
	s.mu.Lock()
	res := c.h.sendLocked(s, c.h.runOf(s), c.v)
	s.mu.Unlock()
	c.h.sent(s, t, c.v, res)
}

func (c *sendCase[T]) wait(s *scheduler, t *thread, sel *selectWait, idx int) {
	if c.h != nil {
		r := c.h.runOf(s)
		c.w = &chanWaiter[T]{t: t, v: c.v, sel: sel, idx: idx}
		r.sendq = append(r.sendq, c.w)
	}
}

func (c *sendCase[T]) woken(s *scheduler, t *thread) {
	res := sent
	if !c.w.done {
		res = closed
	}
	c.h.sent(s, t, c.v, res)
}

func (c *sendCase[T]) reflect() reflect.SelectCase {
	var ch chan T
	if c.h != nil {
		ch = c.h.c
	}
	return reflect.SelectCase{Dir: reflect.SelectSend, Chan: reflect.ValueOf(ch), Send: reflect.ValueOf(&c.v).Elem()}
}

func (c *sendCase[T]) done(reflect.Value, bool) {}

func (c *sendCase[T]) direct(wait bool) bool {
	var ch chan T
	if c.h != nil {
		ch = c.h.c
	}
	if wait {
		ch <- c.v
		return true
	}
	select {
	case ch <- c.v:
		return true
	default:
		return false
	}
}

type recvCase[T any] struct {
	h   *hchan[T]
	dst *T
	ok  *bool
	w   *chanWaiter[T]
}

func (c *recvCase[T]) ready(s *scheduler) bool {
	if c.h == nil {
		return false
	}
	r := c.h.runOf(s)
	return r.live(&r.sendq) != nil || c.h.closed.Load() || len(c.h.c) > 0
}

func (c *recvCase[T]) run(s *scheduler, t *thread) {
	s.mu.Lock()
	v, ok, _ := c.h.recvLocked(s, c.h.runOf(s))
	s.mu.Unlock()
	c.set(v, ok)
	c.h.received(s, t, v, ok)
}

func (c *recvCase[T]) wait(s *scheduler, t *thread, sel *selectWait, idx int) {
	if c.h != nil {
		r := c.h.runOf(s)
		c.w = &chanWaiter[T]{t: t, sel: sel, idx: idx}
		r.recvq = append(r.recvq, c.w)
	}
}

func (c *recvCase[T]) woken(s *scheduler, t *thread) {
	c.set(c.w.v, c.w.ok)
	c.h.received(s, t, c.w.v, c.w.ok)
}

func (c *recvCase[T]) set(v T, ok bool) {
	if c.dst != nil {
		*c.dst = v
	}
	if c.ok != nil {
		*c.ok = ok
	}
}

func (c *recvCase[T]) reflect() reflect.SelectCase {
	var ch chan T
	if c.h != nil {
		ch = c.h.c
	}
	return reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)}
}

func (c *recvCase[T]) direct(wait bool) bool {
	var ch chan T
	if c.h != nil {
		ch = c.h.c
	}
	if wait {
		v, ok := <-ch
		c.set(v, ok)
		return true
	}
	select {
	case v, ok := <-ch:
		c.set(v, ok)
		return true
	default:
		return false
	}
}

func (c *recvCase[T]) done(v reflect.Value, ok bool) {
	var x T
	if v.IsValid() {
		reflect.ValueOf(&x).Elem().Set(v)
	}
	c.set(x, ok)
}
