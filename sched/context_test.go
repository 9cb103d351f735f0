package sched_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/sched"
)

// ctxFuncs is one implementation of the context functions the rewrite
// swaps: the context package's, or sched's twins.
type ctxFuncs struct {
	withCancel        func(context.Context) (context.Context, context.CancelFunc)
	withCancelCause   func(context.Context) (context.Context, context.CancelCauseFunc)
	withDeadlineCause func(context.Context, time.Time, error) (context.Context, context.CancelFunc)
	withTimeout       func(context.Context, time.Duration) (context.Context, context.CancelFunc)
	afterFunc         func(context.Context, func()) func() bool
	cause             func(context.Context) error
}

var (
	stdFuncs   = ctxFuncs{context.WithCancel, context.WithCancelCause, context.WithDeadlineCause, context.WithTimeout, context.AfterFunc, context.Cause}
	schedFuncs = ctxFuncs{sched.WithCancel, sched.WithCancelCause, sched.WithDeadlineCause, sched.WithTimeout, sched.ContextAfterFunc, sched.Cause}
)

// ctxTree is a tree of contexts made by a sequence of operations, with
// what each cancel and stop returned.
type ctxTree struct {
	f       ctxFuncs
	ctxs    []context.Context
	cancels []func(error)
	stops   []func() bool
	log     []string
	wrapper []bool // the node is a context.WithValue or WithoutCancel
}

type ctxKeyT string

// apply does one operation on the tree: make a child of node i of a kind,
// cancel node i, or stop an AfterFunc.
func (tr *ctxTree) apply(op, kind, i int, foreign bool) {
	f := tr.f
	if foreign && !tr.wrapper[i%len(tr.ctxs)] {
		// A context of the context package in a sched tree. (Under a
		// wrapper of a sched context, the context package cancels it
		// from a goroutine of its own, later.)
		f = stdFuncs
	}
	cause := fmt.Errorf("cause %d", len(tr.log))
	switch op {
	case 0: // a child
		p := tr.ctxs[i%len(tr.ctxs)]
		var c context.Context
		cancel := func(error) {}
		switch kind {
		case 0:
			var cf context.CancelFunc
			c, cf = f.withCancel(p)
			cancel = func(error) { cf() }
		case 1:
			var cf context.CancelCauseFunc
			c, cf = f.withCancelCause(p)
			cancel = cf
		case 2:
			c = context.WithValue(p, ctxKeyT("k"), i)
		case 3:
			c = context.WithoutCancel(p)
		case 4: // a deadline already past
			var cf context.CancelFunc
			c, cf = f.withDeadlineCause(p, time.Now().Add(-time.Second), cause)
			cancel = func(error) { cf() }
		case 5: // a deadline no test reaches
			var cf context.CancelFunc
			c, cf = f.withTimeout(p, time.Hour)
			cancel = func(error) { cf() }
		case 6:
			var n atomic.Int32
			tr.stops = append(tr.stops, f.afterFunc(p, func() { n.Add(1) }))
			c = p
		}
		tr.ctxs = append(tr.ctxs, c)
		tr.cancels = append(tr.cancels, cancel)
		tr.wrapper = append(tr.wrapper, kind == 2 || kind == 3 || kind == 6 && tr.wrapper[i%len(tr.wrapper)])
	case 1:
		tr.cancels[i%len(tr.cancels)](cause)
	case 2:
		if len(tr.stops) > 0 {
			tr.log = append(tr.log, fmt.Sprintf("stop %v", tr.stops[i%len(tr.stops)]()))
		}
	}
	tr.log = append(tr.log, tr.state())
}

// state describes every context: Err, Cause, whether Done is closed or
// nil, and whether it has a deadline.
func (tr *ctxTree) state() string {
	s := ""
	for _, c := range tr.ctxs {
		done := "open"
		switch d := c.Done(); {
		case d == nil:
			done = "nil"
		default:
			select {
			case <-d:
				done = "closed"
			default:
			}
		}
		_, dl := c.Deadline()
		s += fmt.Sprintf("[%v %v %s %v %v]", c.Err(), tr.f.cause(c), done, dl, c.Value(ctxKeyT("k")))
	}
	return s
}

// TestContextMatchesStd: outside a controlled run, the twins behave as
// the context package's functions on the same operations: the same Err,
// Cause, Done, Deadline and Value of every context after each step, and
// the same results of AfterFunc's stop; some contexts of the sched tree
// are the context package's (a foreign parent or child).
func TestContextMatchesStd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		std := &ctxTree{f: stdFuncs, ctxs: []context.Context{context.Background()}, cancels: []func(error){func(error) {}}, wrapper: []bool{false}}
		tw := &ctxTree{f: schedFuncs, ctxs: []context.Context{context.Background()}, cancels: []func(error){func(error) {}}, wrapper: []bool{false}}
		for n := rapid.IntRange(1, 12).Draw(t, "n"); n > 0; n-- {
			op := rapid.IntRange(0, 2).Draw(t, "op")
			kind := rapid.IntRange(0, 6).Draw(t, "kind")
			i := rapid.IntRange(0, 11).Draw(t, "i")
			foreign := rapid.Bool().Draw(t, "foreign")
			std.apply(op, kind, i, false)
			tw.apply(op, kind, i, foreign)
			if got, want := tw.log[len(tw.log)-1], std.log[len(std.log)-1]; got != want {
				t.Fatalf("sched: %s\nstd:   %s", got, want)
			}
		}
		for _, c := range tw.cancels {
			c(nil)
		}
	})
}

// TestContextAfterFuncOutside: outside a run, ContextAfterFunc calls f
// once after the cancel, as context.AfterFunc does, and a real deadline
// passes in real time.
func TestContextAfterFuncOutside(t *testing.T) {
	ctx, cancel := sched.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	ran := make(chan struct{})
	sched.ContextAfterFunc(ctx, func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("AfterFunc did not run after the deadline")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || sched.Done(ctx).Len() != 0 {
		t.Fatalf("Err = %v", ctx.Err())
	}
	if _, ok := sched.Done(ctx).Recv2(); ok {
		t.Fatal("Done's Chan is not closed")
	}
}

// TestContextCheckThenActRace: a cancel racing with two checks of Err
// is explored at every place, between them too, by the plain and the
// reduced exploration: Err and the cancel are scheduling points that
// conflict.
func TestContextCheckThenActRace(t *testing.T) {
	explorers := map[string]func(sched.Config, int, func() [][]func(), func(*sched.Execution) bool) int{
		"Explore": sched.Explore, "ExploreReduced": sched.ExploreReduced,
	}
	for name, explore := range explorers {
		t.Run(name, func(t *testing.T) {
			seen := map[[2]bool]bool{}
			explore(sched.Config{}, 2, func() [][]func() {
				ctx, cancel := sched.WithCancel(context.Background())
				return [][]func(){{
					cancel,
					func() {
						first := ctx.Err() != nil
						seen[[2]bool{first, ctx.Err() != nil}] = true
					},
				}}
			}, func(e *sched.Execution) bool {
				if e.Outcome != sched.Completed {
					t.Fatalf("outcome %v", e.Outcome)
				}
				return true
			})
			for _, want := range [][2]bool{{false, false}, {false, true}, {true, true}} {
				if !seen[want] {
					t.Errorf("Err twice: %v never seen; seen %v", want, seen)
				}
			}
		})
	}
}

// TestContextStdChild: a context of the context package made from a
// sched context (by code that is not rewritten) is canceled with it, with
// its cause, in a run (by a managed goroutine, which the run waits for)
// and outside one (at once); and it is named as the context package
// names its own.
func TestContextStdChild(t *testing.T) {
	cause := errors.New("why")
	var child context.Context
	var stopChild context.CancelFunc
	e := sched.Execute(sched.Config{}, []func(){func() {
		ctx, cancel := sched.WithCancelCause(context.Background())
		child, stopChild = context.WithCancel(ctx)
		cancel(cause)
	}})
	defer stopChild()
	if e.Outcome != sched.Completed {
		t.Fatalf("outcome %v: %v", e.Outcome, e.Panic)
	}
	if !errors.Is(child.Err(), context.Canceled) || context.Cause(child) != cause {
		t.Fatalf("std child: Err %v, Cause %v", child.Err(), context.Cause(child))
	}

	ctx, cancel := sched.WithCancelCause(context.Background())
	child, stop := context.WithCancel(ctx)
	defer stop()
	cancel(cause)
	if !errors.Is(child.Err(), context.Canceled) || context.Cause(child) != cause || context.Cause(ctx) != cause {
		t.Fatalf("outside a run: Err %v, Cause %v, parent's Cause %v", child.Err(), context.Cause(child), context.Cause(ctx))
	}
	for _, c := range []struct {
		got fmt.Stringer
		std fmt.Stringer
	}{
		{must(sched.WithCancel(context.Background())), must(context.WithCancel(context.Background()))},
		{must(sched.WithCancel(context.TODO())), must(context.WithCancel(context.TODO()))},
	} {
		if c.got.String() != c.std.String() {
			t.Errorf("String = %q, want %q", c.got, c.std)
		}
	}
}

// must returns ctx as a Stringer, for TestContextStdChild.
func must(ctx context.Context, cancel context.CancelFunc) fmt.Stringer {
	cancel()
	return ctx.(fmt.Stringer)
}

// TestContextDoneWakesSelect: a select on Done and on a channel nobody
// sends on blocks under the scheduler and is woken by the cancel of an
// ancestor through a WithValue wrapper, in every schedule; a child of a
// WithoutCancel wrapper is not canceled.
func TestContextDoneWakesSelect(t *testing.T) {
	n := sched.Explore(sched.Config{}, 2, func() [][]func() {
		root, cancel := sched.WithCancel(context.Background())
		child, stop := sched.WithCancel(context.WithValue(root, ctxKeyT("k"), 1))
		detached, stop2 := sched.WithCancel(context.WithoutCancel(root))
		never := sched.MakeChan[int](0)
		return [][]func(){{
			func() {
				i := sched.Select(false, sched.Done(child).RecvCase(nil, nil), never.RecvCase(nil, nil))
				if i != 0 || !errors.Is(child.Err(), context.Canceled) || detached.Err() != nil {
					panic(fmt.Sprintf("case %d, Err %v, detached %v", i, child.Err(), detached.Err()))
				}
				stop()
				stop2()
			},
			cancel,
		}}
	}, func(e *sched.Execution) bool {
		if e.Outcome != sched.Completed {
			t.Fatalf("outcome %v: %v", e.Outcome, e.Panic)
		}
		return true
	})
	if n < 2 {
		t.Fatalf("%d schedules", n)
	}
}

// TestContextVirtualDeadline: in a controlled run a deadline is on the
// virtual clock: the Done of WithTimeout(time.Hour) closes when the clock
// reaches it, with DeadlineExceeded and the cause.
func TestContextVirtualDeadline(t *testing.T) {
	cause := errors.New("too slow")
	var at time.Duration
	var err, why error
	e := sched.Execute(sched.Config{}, []func(){func() {
		ctx, cancel := sched.WithTimeoutCause(context.Background(), time.Hour, cause)
		defer cancel()
		if d, ok := ctx.Deadline(); !ok || !d.Equal(sched.Epoch.Add(time.Hour)) {
			panic(fmt.Sprint("deadline ", d, ok))
		}
		sched.Done(ctx).Recv()
		at, err, why = sched.Since(sched.Epoch), ctx.Err(), sched.Cause(ctx)
	}})
	if e.Outcome != sched.Completed {
		t.Fatalf("outcome %v: %v", e.Outcome, e.Panic)
	}
	if at != time.Hour || !errors.Is(err, context.DeadlineExceeded) || why != cause {
		t.Fatalf("woke at %v with %v, cause %v", at, err, why)
	}
}

// TestContextCancelStopsDeadline: a context canceled before its deadline
// leaves no timer: the run ends when its goroutine returns, and a wait on
// a context that nothing cancels is a deadlock.
func TestContextCancelStopsDeadline(t *testing.T) {
	e := sched.Execute(sched.Config{}, []func(){func() {
		ctx, cancel := sched.WithTimeout(context.Background(), time.Hour)
		cancel()
		sched.Done(ctx).Recv()
		if !errors.Is(ctx.Err(), context.Canceled) {
			panic(ctx.Err())
		}
		never, cancel2 := sched.WithCancel(context.Background())
		defer cancel2()
		sched.Done(never).Recv()
	}})
	if e.Outcome != sched.Deadlocked {
		t.Fatalf("outcome %v, want a deadlock on the context nothing cancels", e.Outcome)
	}
}

// TestContextAfterFuncManaged: in a run, the function of
// ContextAfterFunc runs as a managed goroutine after the cancel, and a
// stop racing with the cancel either stops it or finds it started,
// both explored.
func TestContextAfterFuncManaged(t *testing.T) {
	var outcomes [2]bool
	var ran sched.Int32
	var stopped bool
	sched.Explore(sched.Config{}, 2, func() [][]func() {
		ctx, cancel := sched.WithCancel(context.Background())
		ran.Store(0)
		stopped = false
		var stop func() bool
		return [][]func(){
			{func() { stop = sched.ContextAfterFunc(ctx, func() { ran.Add(1) }) }},
			{cancel, func() { stopped = stop() }},
		}
	}, func(e *sched.Execution) bool {
		if e.Outcome != sched.Completed {
			t.Fatalf("outcome %v: %v", e.Outcome, e.Panic)
		}
		// The run waits for every managed goroutine, f's too.
		if r := ran.Load(); stopped == (r == 1) || r > 1 {
			t.Fatalf("stopped %v, ran %d", stopped, r)
		}
		outcomes[map[bool]int{false: 0, true: 1}[stopped]] = true
		return true
	})
	if !outcomes[0] || !outcomes[1] {
		t.Fatalf("stop won: %v, cancel won: %v; want both", outcomes[1], outcomes[0])
	}
}

// TestContextForeignDone: Done of a context that is not sched's: nil for
// a nil Done; closed if the context is canceled; outside a run, closed
// when it is canceled later; in a run, a cancel the run cannot see ends
// it as Unmanaged, and the Chan is closed once the run is over.
func TestContextForeignDone(t *testing.T) {
	if sched.Done(context.Background()) != (sched.Chan[struct{}]{}) {
		t.Fatal("Done of Background is not the nil Chan")
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := sched.Done(ctx)
	if d != sched.Done(ctx) {
		t.Fatal("two Chans for one foreign context")
	}
	cancel()
	if _, ok := d.Recv2(); ok {
		t.Fatal("a foreign cancel did not close the Chan")
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	release, finished := make(chan struct{}), make(chan struct{})
	e := sched.Execute(sched.Config{}, []func(){func() {
		defer close(finished)
		d := sched.Done(ctx)
		go cancel() // outside the run's sight
		<-release   // held until the run is over
		d.Recv()
	}})
	close(release)
	<-finished // a goroutine of this run must not run into the next one
	if e.Outcome != sched.Unmanaged {
		t.Fatalf("outcome %v, want Unmanaged", e.Outcome)
	}
	if _, ok := sched.Done(ctx).Recv2(); ok {
		t.Fatal("the Chan of a canceled foreign context is open")
	}
	// A sched child of the foreign context, made in a run, is canceled
	// with it.
	var err error
	sched.Execute(sched.Config{}, []func(){func() {
		child, stop := sched.WithCancel(ctx)
		defer stop()
		sched.Done(child).Recv()
		err = child.Err()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("child Err = %v", err)
	}
}

// TestContextOneVariable: in the trace, a context's cancel, Err and the
// receive from its Done are one variable.
func TestContextOneVariable(t *testing.T) {
	e := sched.Execute(sched.Config{}, []func(){func() {
		ctx, cancel := sched.WithCancel(context.Background())
		cancel()
		sched.Done(ctx).Recv()
		_ = ctx.Err()
	}})
	vars := map[string]int{}
	for _, ev := range e.Events {
		switch ev.Text {
		case "cancel", "Recv", "Err":
			vars[ev.Text] = ev.Var
		}
	}
	if len(vars) != 3 || vars["cancel"] == 0 || vars["cancel"] != vars["Recv"] || vars["Err"] != vars["Recv"] {
		t.Fatalf("variables %v, want cancel, Recv and Err on one", vars)
	}
}
