package sched

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// Contexts. WithCancel, WithCancelCause, WithTimeout, WithTimeoutCause,
// WithDeadline, WithDeadlineCause, ContextAfterFunc and Cause are the
// context package's functions of the same names (AfterFunc's twin is
// ContextAfterFunc: AfterFunc is time's), with the same signatures. The
// contexts they make are sched's: their Done is a standard channel,
// closed when they are canceled, for code that is not rewritten, and
// [Done] gives the same moment as a [Chan], so that a receive or a select
// on it blocks and wakes under the scheduler.
//
// In a controlled run, Err, Cause, a cancel function and the stop
// function of ContextAfterFunc are scheduling points: a cancel that races
// with a check of Err is explored both ways. A cancel is one step: the
// context and every descendant made by these functions are canceled, and
// their Done channels closed, before any other thread runs, as the
// context package does under its lock. Deadlines are on the run's virtual
// clock (see time.go): the context is canceled by a managed goroutine
// when the clock reaches its deadline.
//
// Outside a controlled run each function behaves as the context
// package's: a context made outside a run and used in one (or the other
// way round) keeps its state, and a deadline set outside a run is real
// time.
//
// # Parents
//
// A child is canceled with its parent when the parent is a sched context,
// or wraps one without a Done of its own (context.WithValue): the child
// finds it as the context package finds its own, through a private key
// that Value answers. A parent whose Done is nil (context.Background,
// TODO, WithoutCancel) never cancels the child. Any other parent (a
// context of the context package, or a home-grown one) is foreign: the
// child is canceled when it is found canceled (when the child is made,
// and at each Err, Cause or Done of the child) or when the context
// package's AfterFunc reports it, from a goroutine package sched does not
// manage. If that happens during a controlled run, which cannot see it,
// the run ends as [Unmanaged] (its stacks show this function) and the
// child is canceled once the run is over; code that waits for a foreign
// context to be canceled by something outside the run (a foreign real
// deadline) is not under control.
//
// A context of the context package made from a sched context by code
// that is not rewritten is canceled, in a controlled run, by a managed
// goroutine; but the context package reports its cancel to a watcher
// from a goroutine of its own, so a rewritten wait on its Done that is
// woken that way ends the run as Unmanaged.
//
// context.Cause, called by code that is not rewritten, finds a sched
// context's cause through a context of the context package that shadows
// it, made when first asked (see stdCauseKey). A context of the context
// package made from a sched context is canceled with it at once, outside
// a run (through the AfterFunc method the context package looks for);
// made from a wrapper of one (context.WithValue), it is canceled a moment
// later, from a goroutine of the context package, as with any context
// of a home-grown type.

// ctxKey is the key whose Value a sched context answers with itself.
var ctxKey byte

// stdCauseKey is the key context.Cause asks a context's Value for, to
// find the context package's cancelCtx whose cause it returns. It is
// private to the context package, so it is learned once by asking Cause
// about a probe; nil if Cause asks nothing.
var stdCauseKey = func() (key any) {
	context.Cause(keyProbe(func(k any) {
		if key == nil {
			key = k
		}
	}))
	return key
}()

// keyProbe is a context that reports the keys its Value is asked for.
type keyProbe func(key any)

func (keyProbe) Deadline() (time.Time, bool) { return time.Time{}, false }
func (keyProbe) Done() <-chan struct{}       { return nil }
func (keyProbe) Err() error                  { return context.Canceled }
func (p keyProbe) Value(key any) any         { p(key); return nil }

// canceler is a sched context, or a ContextAfterFunc registration, that
// a parent cancels with itself.
type canceler interface {
	cancelIn(st *step, removeFromParent bool, err, cause error)
}

// step is a cancel in progress: s is the run whose processor the caller
// holds (nil outside one), later the functions to call once every lock
// is released.
type step struct {
	s     *scheduler
	later []func()
}

// cancelCtx is a context canceled by a cancel function, a deadline or a
// parent. Its state is guarded by mu, a plain lock: in a controlled run
// no scheduling point is ever reached with it held, so that no other
// managed goroutine can find it taken.
type cancelCtx struct {
	context.Context // the parent
	done            Chan[struct{}]
	name            string // "WithCancel", for String

	mu       sync.Mutex
	err      error
	cause    error
	children map[canceler]struct{}
	stop     func() bool     // ends the watch of a foreign parent
	foreign  context.Context // that parent, polled

	// shadow, a context of the context package canceled with c's cause,
	// answers context.Cause for c; made when first asked.
	shadow       context.Context
	cancelShadow context.CancelCauseFunc

	deadline time.Time // for WithDeadline
	timer    *Timer
	hasDL    bool
}

// newCancelCtx returns a context that is canceled with parent.
func newCancelCtx(parent context.Context, name string) *cancelCtx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &cancelCtx{Context: parent, done: MakeChan[struct{}](0), name: name}
	c.propagate(parent)
	return c
}

// propagate arranges for c to be canceled when parent is, as the context
// package's propagateCancel does.
func (c *cancelCtx) propagate(parent context.Context) {
	pdone := parent.Done()
	if pdone == nil {
		return // never canceled
	}
	if p := ancestor(parent); p != nil && (<-chan struct{})(p.done.h.c) == pdone {
		p.poll(clock())
		p.mu.Lock()
		if p.err != nil {
			err, cause := p.err, p.cause
			p.mu.Unlock()
			c.cancel(false, err, cause, stepOf(clock()))
			return
		}
		if p.children == nil {
			p.children = map[canceler]struct{}{}
		}
		p.children[c] = struct{}{}
		p.mu.Unlock()
		return
	}
	select {
	case <-pdone:
		c.cancel(false, parent.Err(), context.Cause(parent), stepOf(clock()))
		return
	default:
	}
	c.mu.Lock()
	c.foreign = parent
	c.mu.Unlock()
	stop := context.AfterFunc(parent, func() {
		unmanaged(func() bool { return c.isDone() }, func() {
			c.cancel(true, parent.Err(), context.Cause(parent), nil)
		})
	})
	c.mu.Lock()
	c.stop = stop
	c.mu.Unlock()
}

// ancestor returns the sched context ctx is or wraps, or nil.
func ancestor(ctx context.Context) *cancelCtx {
	c, _ := ctx.Value(&ctxKey).(*cancelCtx)
	return c
}

// stepOf returns s if the calling thread holds the processor of the run
// s, which its cancels then wake threads of; nil otherwise.
func stepOf(s *scheduler) *scheduler {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aborted {
		return nil
	}
	return s
}

// poll cancels c if its foreign parent is canceled: a cancel that the
// context package reports from a goroutine of its own.
func (c *cancelCtx) poll(s *scheduler) {
	c.mu.Lock()
	p := c.foreign
	done := c.err != nil
	c.mu.Unlock()
	if p == nil || done {
		return
	}
	if err := p.Err(); err != nil {
		c.cancel(true, err, context.Cause(p), stepOf(s))
	}
}

func (c *cancelCtx) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}

// Value answers ctxKey with c, and anything else as the parent does.
func (c *cancelCtx) Value(key any) any {
	if key == &ctxKey {
		return c
	}
	if key == stdCauseKey && key != nil {
		c.mu.Lock()
		if c.shadow == nil {
			c.shadow, c.cancelShadow = context.WithCancelCause(context.Background())
			if c.err != nil {
				c.cancelShadow(c.cause)
			}
		}
		sh := c.shadow
		c.mu.Unlock()
		return sh.Value(key)
	}
	return c.Context.Value(key)
}

// Done returns a channel closed when c is canceled. Outside a run it
// first looks whether a foreign parent is canceled (in a run, code that
// is not rewritten may call it from any goroutine: [Done] looks).
func (c *cancelCtx) Done() <-chan struct{} {
	if clock() == nil {
		c.poll(nil)
	}
	return c.done.h.c
}

// Deadline returns c's deadline, or its parent's.
func (c *cancelCtx) Deadline() (time.Time, bool) {
	if c.hasDL {
		return c.deadline, true
	}
	return c.Context.Deadline()
}

// Err returns nil until c is canceled, then why. In a controlled run it
// is a scheduling point.
func (c *cancelCtx) Err() error {
	err, _ := c.read("Err")
	return err
}

// read returns c's err and cause; in a controlled run, as a scheduling
// point recorded as op. In the trace a context is one variable with its
// Done channel.
func (c *cancelCtx) read(op string) (err, cause error) {
	s := clock()
	var t *thread
	if s != nil {
		c.mu.Lock()
		a := Access{Obj: uintptr(unsafe.Pointer(c))} // a read of c
		if c.foreign != nil {
			a = Access{} // it may cancel c and its descendants: unknown
		}
		c.mu.Unlock()
		t = s.pointAt(a)
	}
	c.poll(s)
	c.mu.Lock()
	err, cause = c.err, c.cause
	c.mu.Unlock()
	if t != nil {
		v := err
		if op == "Cause" {
			v = cause
		}
		s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(c.done.h)), Text: op, New: errText(v)})
	}
	return err, cause
}

func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// String names c after its parent, as the context package does.
func (c *cancelCtx) String() string {
	if c.hasDL {
		return contextName(c.Context) + ".WithDeadline(" + c.deadline.String() + " [" + Until(c.deadline).String() + "])"
	}
	return contextName(c.Context) + "." + c.name
}

func contextName(c context.Context) string {
	if s, ok := c.(interface{ String() string }); ok {
		return s.String()
	}
	return reflect.TypeOf(c).String()
}

// AfterFunc calls f in its own goroutine once c is canceled, for the
// context package's AfterFunc and the children it makes of c.
func (c *cancelCtx) AfterFunc(f func()) func() bool { return afterCancel(c, f, true) }

// cancelNow cancels c with err and cause, for a cancel function or a
// deadline: in a controlled run, a scheduling point and one step.
func (c *cancelCtx) cancelNow(err, cause error) {
	s := clock()
	if s == nil {
		c.cancel(true, err, cause, nil)
		return
	}
	t := s.pointAt(Access{})
	c.cancel(true, err, cause, stepOf(s))
	if t != nil {
		s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(c.done.h)), Text: "cancel", New: errText(err)})
	}
}

// cancel closes c's Done, cancels its children and, if removeFromParent,
// takes it out of its parent's children. s is the run whose processor
// the caller holds, whose threads waiting on Done it wakes; nil outside
// one. It reaches no scheduling point.
func (c *cancelCtx) cancel(removeFromParent bool, err, cause error, s *scheduler) {
	st := &step{s: s}
	c.cancelIn(st, removeFromParent, err, cause)
	for _, f := range st.later {
		f()
	}
}

func (c *cancelCtx) cancelIn(st *step, removeFromParent bool, err, cause error) {
	s := st.s
	if cause == nil {
		cause = err
	}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return // canceled already
	}
	c.err, c.cause = err, cause
	if c.cancelShadow != nil {
		c.cancelShadow(cause)
	}
	closeDone(c.done.h, s)
	children := c.children
	c.children = nil
	stop, tm := c.stop, c.timer
	c.stop, c.timer, c.foreign = nil, nil, nil
	for child := range children {
		child.cancelIn(st, false, err, cause)
	}
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	if tm != nil {
		tm.stopQuietly()
	}
	if removeFromParent {
		c.detach(c)
	}
}

// detach takes child out of the children of c's sched parent.
func (c *cancelCtx) detach(child canceler) {
	p := ancestor(c.Context)
	if p == nil || (<-chan struct{})(p.done.h.c) != c.Context.Done() {
		return
	}
	p.mu.Lock()
	delete(p.children, child)
	p.mu.Unlock()
}

// closeDone closes the done channel h, waking the threads of the run s
// that wait for it (nil outside a run), with no scheduling point: its
// caller made one. Nothing sends on a done channel.
func closeDone(h *hchan[struct{}], s *scheduler) {
	close(h.c)
	h.closed.Store(true)
	if s == nil {
		return
	}
	s.mu.Lock()
	r := h.runOf(s)
	for w := r.live(&r.recvq); w != nil; w = r.live(&r.recvq) {
		r.recvq = r.recvq[1:]
		w.done = true // with the zero value and ok false
		r.fire(s, w)
	}
	s.mu.Unlock()
}

// stopQuietly stops the timer without a scheduling point, for a cancel.
func (tm *Timer) stopQuietly() {
	if tm.vt == nil {
		tm.pmu.Lock()
		tm.ended = true
		tm.rt.Stop()
		tm.pmu.Unlock()
		return
	}
	tm.s.mu.Lock()
	tm.s.unsetLocked(tm.vt)
	tm.s.mu.Unlock()
}

// unmanaged runs cancel, the work of a goroutine package sched does not
// manage (a real timer's, the context package's), where no controlled
// run sees it, unless done reports it needless: during a controlled run,
// it ends the run as Unmanaged and waits for it to be over.
func unmanaged(done func() bool, cancel func()) {
	for {
		if done() {
			return
		}
		if runMu.TryLock() {
			cancel()
			runMu.Unlock()
			return
		}
		s := active.Load()
		if s == nil {
			runtime.Gosched() // a run starts or ends
			continue
		}
		if s.perturb {
			cancel() // real goroutines, as in stress mode
			return
		}
		if done() {
			return
		}
		s.mu.Lock()
		s.unmanagedLocked()
		s.mu.Unlock()
		runMu.Lock()
		cancel()
		runMu.Unlock()
		return
	}
}

// WithCancel returns a copy of parent with a new Done channel, closed
// when the returned cancel function is called or when parent's Done is
// closed, whichever happens first, as context.WithCancel does.
func WithCancel(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	c := newCancelCtx(parent, "WithCancel")
	return c, func() { c.cancelNow(context.Canceled, nil) }
}

// WithCancelCause is WithCancel with a cancel function that records a
// cause, which [Cause] returns, as context.WithCancelCause does.
func WithCancelCause(parent context.Context) (ctx context.Context, cancel context.CancelCauseFunc) {
	c := newCancelCtx(parent, "WithCancel")
	return c, func(cause error) { c.cancelNow(context.Canceled, cause) }
}

// WithDeadline returns a copy of parent that is canceled with
// context.DeadlineExceeded at d, on the run's virtual clock in a
// controlled run, as context.WithDeadline does.
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause is WithDeadline with the cause the context gets when
// the deadline passes, as context.WithDeadlineCause.
func WithDeadlineCause(parent context.Context, d time.Time, cause error) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		return WithCancel(parent) // the current deadline is sooner
	}
	c := &cancelCtx{Context: parent, done: MakeChan[struct{}](0), deadline: d, hasDL: true}
	c.propagate(parent)
	cancel := func() { c.cancelNow(context.Canceled, nil) }
	dur := Until(d)
	if dur <= 0 {
		c.cancel(true, context.DeadlineExceeded, cause, stepOf(clock()))
		return c, cancel
	}
	fire := func() { c.cancelNow(context.DeadlineExceeded, cause) } // a managed goroutine
	if clock() == nil {
		fire = func() {
			unmanaged(c.isDone, func() { c.cancel(true, context.DeadlineExceeded, cause, nil) })
		}
	}
	c.mu.Lock()
	if c.err == nil {
		c.timer = AfterFunc(dur, fire)
	}
	c.mu.Unlock()
	return c, cancel
}

// WithTimeout returns WithDeadline(parent, Now().Add(timeout)).
func WithTimeout(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return WithDeadline(parent, Now().Add(timeout))
}

// WithTimeoutCause returns WithDeadlineCause(parent,
// Now().Add(timeout), cause).
func WithTimeoutCause(parent context.Context, timeout time.Duration, cause error) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, Now().Add(timeout), cause)
}

// Cause returns why c was canceled, as context.Cause does: the cause
// given to its cancel function or deadline, else its Err; nil if c is
// not canceled. For a sched context it is a scheduling point in a
// controlled run.
func Cause(c context.Context) error {
	if p := ancestor(c); p != nil && (<-chan struct{})(p.done.h.c) == c.Done() {
		_, cause := p.read("Cause")
		return cause
	}
	return context.Cause(c)
}

// afterFunc is a registration of ContextAfterFunc, or of the AfterFunc
// method (inline), whose function the context package gives to cancel a
// child of its own or start an AfterFunc of its own: outside a run, that
// is done at once, as the context package does for its own children.
type afterFunc struct {
	f      func()
	inline bool
	once   sync.Once
}

func (a *afterFunc) cancelIn(st *step, _ bool, _, _ error) {
	a.once.Do(func() {
		switch {
		case st.s != nil:
			st.s.mu.Lock()
			st.s.spawn(a.f, len(st.s.threads))
			st.s.mu.Unlock()
		case a.inline:
			st.later = append(st.later, a.f)
		default:
			go a.f()
		}
	})
}

// ContextAfterFunc is context.AfterFunc: it arranges to call f in its
// own goroutine (a managed one in a controlled run) after ctx is
// canceled, once. Calling the returned stop function stops that: it
// reports whether it did, false if f has been started or stopped
// already. In a controlled run stop is a scheduling point.
func ContextAfterFunc(ctx context.Context, f func()) (stop func() bool) {
	return afterCancel(ctx, f, false)
}

func afterCancel(ctx context.Context, f func(), inline bool) (stop func() bool) {
	p := ancestor(ctx)
	own := false // p is a sched child made to watch a foreign ctx
	if p == nil || (<-chan struct{})(p.done.h.c) != ctx.Done() {
		p, own = newCancelCtx(ctx, "AfterFunc"), true
	}
	a := &afterFunc{f: f, inline: inline}
	p.mu.Lock()
	if p.err == nil {
		if p.children == nil {
			p.children = map[canceler]struct{}{}
		}
		p.children[a] = struct{}{}
		p.mu.Unlock()
	} else {
		p.mu.Unlock()
		st := &step{s: stepOf(clock())}
		a.cancelIn(st, false, nil, nil)
		for _, f := range st.later {
			f()
		}
	}
	return func() bool {
		if s := clock(); s != nil {
			if t := s.pointAt(Access{}); t != nil {
				defer s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(p.done.h)), Text: "AfterFunc stop"})
			}
		}
		stopped := false
		a.once.Do(func() { stopped = true })
		if stopped {
			p.mu.Lock()
			delete(p.children, a)
			p.mu.Unlock()
			if own {
				p.cancel(false, context.Canceled, nil, nil) // ends its watch; no one waits on it
			}
		}
		return stopped
	}
}

// Done returns ctx.Done() as a Chan, for a rewritten receive or select
// on it: the Chan of a sched context, which is closed at the moment its
// Done is; the zero Chan (a nil channel, which blocks forever) if
// ctx.Done() is nil; for a foreign context, the Chan of a sched context
// made its child (see Parents above), one per context while it is not
// canceled.
func Done(ctx context.Context) Chan[struct{}] {
	d := ctx.Done()
	if d == nil {
		return Chan[struct{}]{}
	}
	if p := ancestor(ctx); p != nil && (<-chan struct{})(p.done.h.c) == d {
		p.poll(clock())
		return p.done
	}
	return foreignDone(ctx)
}

// watchers holds the sched child watching each foreign context that
// Done was asked about, until it is canceled.
var watchers sync.Map // context.Context -> *cancelCtx

func foreignDone(ctx context.Context) Chan[struct{}] {
	if !reflect.TypeOf(ctx).Comparable() {
		return newCancelCtx(ctx, "Done").done
	}
	if w, ok := watchers.Load(ctx); ok {
		c := w.(*cancelCtx)
		c.poll(clock())
		return c.done
	}
	c := newCancelCtx(ctx, "Done")
	if w, loaded := watchers.LoadOrStore(ctx, c); loaded {
		c.cancel(false, context.Canceled, nil, nil) // not handed out: frees its watch
		return w.(*cancelCtx).done
	}
	context.AfterFunc(ctx, func() { watchers.Delete(ctx) })
	return c.done
}
