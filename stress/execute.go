package stress

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/sched"
)

// outcome is what one execution showed: nothing wrong (kind 0) or a
// failure of some kind, with what the report needs.
type outcome struct {
	kind    Kind
	culprit string // for a panic: whose code panicked (see culprits)
	detail  string // nondeterministic details: stacks, panic values
	history []linearize.Operation
	// Controlled mode only.
	events      []sched.Event
	schedule    []sched.Choice // nil outside controlled mode
	preemptions int
	fingerprint uint64        // sched.Execution.Fingerprint
	orders      []sched.Order // sched.Execution.Orders
	diverged    string        // set by the determinism check
}

// choices returns the picks that replay o's controlled execution, without
// the trailing zeros, or nil outside controlled mode. Made when asked: a
// search asks only for the failures'.
func (o outcome) choices() []int {
	if o.schedule == nil {
		return nil
	}
	return sched.Trim(sched.Picks(&sched.Execution{Choices: o.schedule}))
}

// tracing is what a controlled execution records.
type tracing uint8

const (
	// choicesOnly records the schedule and the events' fingerprint, not
	// the events: searches run this way, and the execution reported is
	// run again (replay is exact) to get its events.
	choicesOnly tracing = iota
	// traced records the events.
	traced
	// withSites records the events and where each happened.
	withSites
)

// exec is one execution in progress.
type exec[T, I, O any] struct {
	r        *runner[T, I, O]
	v        T
	rec      *linearize.TypedRecorder[I, O]
	panicked atomic.Pointer[panicInfo]
	// quiet leaves calls and returns undescribed: a controlled run of
	// choices only, which keeps no event.
	quiet bool
}

type panicInfo struct {
	thread int
	value  any
	stack  string
}

func (r *runner[T, I, O]) newExec(sc Scenario[I]) *exec[T, I, O] {
	x := r.blankExec(sc)
	x.guard(threadNew, func() { x.v = r.spec.New() })
	return x
}

// blankExec returns an execution of sc whose value is not made yet.
func (r *runner[T, I, O]) blankExec(sc Scenario[I]) *exec[T, I, O] {
	caps := make([]int, len(sc.Threads)+1)
	caps[0] = len(sc.Init) + len(sc.Post) + len(r.spec.Finally)
	for i, th := range sc.Threads {
		caps[i+1] = len(th)
	}
	return &exec[T, I, O]{r: r, rec: linearize.NewTypedRecorder[I, O](caps)}
}

// broken reports whether the execution cannot go on: New panicked.
func (x *exec[T, I, O]) broken() bool { return x.newPanicked() }

// newPanicked reports whether New panicked.
func (x *exec[T, I, O]) newPanicked() bool {
	p := x.panicked.Load()
	return p != nil && p.thread == threadNew
}

// call performs one operation on lane and records it.
func (x *exec[T, I, O]) call(lane int, in I) {
	if x.quiet {
		x.callQuiet(lane, in)
	} else {
		x.callTraced(lane, in)
	}
}

// callTraced is call in a run that keeps its events: the call and its
// result are described if the event is shown.
func (x *exec[T, I, O]) callTraced(lane int, in I) {
	m, stamp := x.r.model, x.r.spec.Stamp
	var at func()
	if stamp != nil {
		at = func() { in = stamp(x.v, in) }
	}
	if !schedhook.BeginOp(at, func() string { return m.DescribeInput(in) }) && at != nil {
		at()
	}
	i := x.rec.Call(lane, in)
	out := x.r.spec.Run(x.v, lane, in)
	x.rec.Return(lane, i, out)
	schedhook.EndOp(func() string { return m.DescribeOutput(in, out) })
}

// callQuiet is call in a controlled run of choices only: no description
// of the call, and in escapes only if the spec stamps it.
func (x *exec[T, I, O]) callQuiet(lane int, in I) {
	if x.r.spec.Stamp != nil {
		in = x.stamped(in)
	} else {
		schedhook.BeginOp(nil, nil)
	}
	i := x.rec.Call(lane, in)
	out := x.r.spec.Run(x.v, lane, in)
	x.rec.Return(lane, i, out)
	schedhook.EndOp(nil)
}

// stamped passes the scheduling point before a call and stamps in after
// it, when the call really happens.
func (x *exec[T, I, O]) stamped(in I) I {
	stamp := x.r.spec.Stamp
	if !schedhook.BeginOp(func() { in = stamp(x.v, in) }, nil) {
		in = stamp(x.v, in)
	}
	return in
}

// sequential runs ops on lane 0 of the calling goroutine, stopping at a
// panic, which it records.
func (x *exec[T, I, O]) sequential(ops []I) bool {
	return x.guard(0, func() {
		for _, in := range ops {
			x.call(0, in)
		}
	})
}

// guard runs f, recording a panic as the execution's first; it reports
// whether f returned normally.
func (x *exec[T, I, O]) guard(thread int, f func()) (ok bool) {
	defer func() {
		if !ok {
			if p := recover(); p != nil {
				x.panicked.CompareAndSwap(nil, &panicInfo{thread: thread, value: p, stack: string(debug.Stack())})
			}
		}
	}()
	f()
	return true
}

func (x *exec[T, I, O]) post(sc Scenario[I]) []I {
	return append(append([]I(nil), sc.Post...), finallyOf(x.r.spec.Finally, sc)...)
}

// stressOnce runs sc once with real goroutines released together by a
// spinning barrier, inside a synctest bubble when the spec wants fake time.
func (r *runner[T, I, O]) stressOnce(sc Scenario[I]) outcome {
	if r.spec.FakeTime {
		return r.inBubble(func(stop *atomic.Bool, settling func()) outcome {
			return r.stressBody(sc, stop, settling)
		})
	}
	base := runtime.NumGoroutine()
	done := make(chan outcome, 1)
	id, labels := newLabel()
	go func() {
		pprof.SetGoroutineLabels(labels)
		o := r.stressBody(sc, nil, nil)
		unlabel()
		done <- o
	}()
	timer := time.NewTimer(r.cfg.hangTimeout)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.kind == 0 {
			o = r.leakCheck(o, id, base)
		}
		return o
	case <-timer.C:
		return r.hung()
	}
}

// stressBody runs one execution. In a bubble (stop is set), it then lets
// fake time run on until the goroutines the execution started have ended,
// calling settling if it has to, and reports those that do not as leaked.
func (r *runner[T, I, O]) stressBody(sc Scenario[I], stop *atomic.Bool, settling func()) outcome {
	base := runtime.NumGoroutine()
	x := r.newExec(sc)
	if !x.broken() && x.sequential(sc.Init) {
		n := len(sc.Threads)
		var ready atomic.Int32
		var wg sync.WaitGroup
		wg.Add(n)
		for i, ops := range sc.Threads {
			go func() {
				defer wg.Done()
				ready.Add(1)
				for ready.Load() < int32(n) {
					runtime.Gosched()
				}
				x.guard(i+1, func() {
					for _, in := range ops {
						x.call(i+1, in)
					}
				})
			}()
		}
		wg.Wait()
		if x.panicked.Load() == nil {
			x.sequential(x.post(sc))
		}
	}
	if r.spec.Cleanup != nil && !x.broken() {
		x.guard(threadCleanup, func() { r.spec.Cleanup(x.v) })
	}
	o := r.verdict(x)
	if stop != nil && o.kind == 0 {
		if left := settle(base, r.parallel, settling, stop); left != "" {
			o.kind, o.detail = Leak, left
		}
	}
	if o.history == nil {
		// A leak check may fail it yet (runScenario).
		o.history = x.rec.History()
	}
	return o
}

// inBubble runs body in a synctest bubble and waits for it, for at most
// the execution timeout of real time. Body calls settling when the
// execution has ended and fake time has to run on for the goroutines it
// left; stop is set a quarter of the timeout later.
func (r *runner[T, I, O]) inBubble(body func(stop *atomic.Bool, settling func()) outcome) outcome {
	done := make(chan outcome, 1)
	bubble := make(chan string, 1)
	settled := make(chan struct{})
	var stop atomic.Bool
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil && o.kind == 0 {
				// synctest found every goroutine of the bubble blocked
				// before the execution ended: nothing can ever move again.
				id := <-bubble
				o = outcome{kind: Deadlock, detail: fmt.Sprintf("%v\n\n%s", p, bubbleStacks(id, ""))}
			}
			done <- o
		}()
		synctest.Test(r.t.(*testing.T), func(*testing.T) {
			bubble <- bubbleID()
			o = body(&stop, func() { close(settled) })
		})
	}()
	timer := time.NewTimer(r.cfg.hangTimeout)
	defer timer.Stop()
	var limit <-chan time.Time
	for {
		select {
		case o := <-done:
			return o
		case <-settled:
			settled = nil
			t := time.NewTimer(r.cfg.hangTimeout / 4)
			defer t.Stop()
			limit = t.C
		case <-limit:
			stop.Store(true)
		case <-timer.C:
			return r.hung()
		}
	}
}

// hung reports an execution that did not end in time. Its goroutines
// cannot be reclaimed, so the search stops.
func (r *runner[T, I, O]) hung() outcome {
	r.poisoned = true
	buf := make([]byte, 1<<20)
	return outcome{kind: Hang, detail: fmt.Sprintf("the execution did not end within %v; every goroutine's stack:\n\n%s", r.cfg.hangTimeout, buf[:runtime.Stack(buf, true)])}
}

// leakCheck looks for goroutines that the execution labelled id started
// and left behind, giving them a moment to end (see leak.go).
func (r *runner[T, I, O]) leakCheck(o outcome, id string, base int) outcome {
	if r.leakSites == nil {
		r.leakSites = map[string]bool{}
	}
	if stacks, n := leftBehind(id, base, r.leakSites); n > 0 {
		o.kind = Leak
		o.detail = fmt.Sprintf("the execution left %d %s behind: goroutines it started (known by their profiler label), still there %v after it ended (%v at a place where goroutines were found leaked before):\n\n%s", n, plural(n, "goroutine", "goroutines"), leakWait, leakWaitKnown, stacks)
	}
	return o
}

// bubbleID returns the number of the calling goroutine's synctest bubble.
func bubbleID() string {
	buf := make([]byte, 256)
	head, _, _ := strings.Cut(string(buf[:runtime.Stack(buf, false)]), "\n")
	if i := strings.Index(head, "synctest bubble "); i >= 0 {
		return strings.TrimSuffix(head[i+len("synctest bubble "):], "]:")
	}
	return ""
}

// bubbleStacks returns the stacks of bubble id's goroutines, leaving out
// the testing and synctest machinery and those whose state is skip.
func bubbleStacks(id, skip string) string {
	buf := make([]byte, 1<<20)
	all := string(buf[:runtime.Stack(buf, true)])
	var out []string
	for _, g := range strings.Split(all, "\n\n") {
		head, body, _ := strings.Cut(g, "\n")
		if !strings.Contains(head, "synctest bubble "+id+"]") ||
			(skip != "" && strings.Contains(head, "["+skip)) ||
			strings.Contains(body, "testing/synctest.") || strings.Contains(body, "internal/synctest.") {
			continue
		}
		out = append(out, g)
	}
	return strings.Join(out, "\n\n")
}

// postPhase returns the function of a controlled execution's last phase:
// the operations of post, then the spec's Cleanup.
func (x *exec[T, I, O]) postPhase(post []I) func() {
	return func() {
		if x.broken() {
			return
		}
		for _, in := range post {
			x.call(0, in)
		}
		if x.r.spec.Cleanup != nil {
			x.guard(threadCleanup, func() { x.r.spec.Cleanup(x.v) })
		}
	}
}

// controlledOnce runs sc once under package sched with strategy,
// recording its choices only (see rebuild).
func (r *runner[T, I, O]) controlledOnce(sc Scenario[I], strategy sched.Strategy) outcome {
	return r.controlled(sc, strategy, choicesOnly)
}

// controlled runs sc once under package sched with strategy, recording
// what tr says.
func (r *runner[T, I, O]) controlled(sc Scenario[I], strategy sched.Strategy, tr tracing) outcome {
	base := runtime.NumGoroutine()
	// The run's threads carry the label (Config.Labels), and so does
	// this goroutine, which starts none of them but is labelled as before.
	id, labels := newLabel()
	pprof.SetGoroutineLabels(labels)
	x := r.blankExec(sc)
	x.quiet = tr == choicesOnly
	// New runs in the first phase and Cleanup after the last operation,
	// in the run, so that goroutines the type starts in New (workers, a
	// drainer) are managed, and their locks and waits stay in one mode.
	// One array holds the functions of the three phases (New and Init,
	// the threads, Post and Cleanup); the last is nil when there is
	// nothing to do after the threads, which keeps its thread's number
	// and saves starting a thread, a tenth of a small execution.
	n := len(sc.Threads)
	fns := make([]func(), n+2)
	fns[0] = func() {
		if !x.guard(threadNew, func() { x.v = r.spec.New() }) {
			return
		}
		for _, in := range sc.Init {
			x.call(0, in)
		}
	}
	for i, ops := range sc.Threads {
		fns[i+1] = func() {
			if x.broken() {
				return
			}
			for _, in := range ops {
				x.call(i+1, in)
			}
		}
	}
	post := x.post(sc)
	if len(post) > 0 || r.spec.Cleanup != nil {
		fns[n+1] = x.postPhase(post)
	}
	phases := [][]func(){fns[:1], fns[1 : n+1], fns[n+1:]}
	e := sched.Execute(sched.Config{Strategy: strategy, Watchdog: r.cfg.hangTimeout, MaxSteps: r.cfg.maxSteps, Sites: tr == withSites, ChoicesOnly: tr == choicesOnly, Labels: labels}, phases...)
	unlabel()
	if x.newPanicked() {
		return r.verdict(x) // nothing else ran
	}
	var o outcome
	switch e.Outcome {
	case sched.Panicked:
		o = outcome{kind: Panic, culprit: culpritType, detail: fmt.Sprintf("%s panicked: %v\n\n%s", threadLabel(e.PanicThread, len(sc.Threads), startedBy(e.Events)), e.Panic, e.PanicStack)}
	case sched.Deadlocked:
		var ok bool
		if o, ok = r.blockedEnd(x, e, len(sc.Threads)); !ok {
			o = outcome{kind: Deadlock, detail: describeWaiters(e, len(sc.Threads))}
			if r.spec.body == nil && !r.mayBlock() && !onlyGoroutinesLeft(e, len(sc.Threads)) {
				o.detail += waitsByDesign
			}
			if onlyGoroutinesLeft(e, len(sc.Threads)) {
				// Every operation returned; what is stuck are goroutines
				// the type started, after the last one: they leak.
				n := len(e.Waiters)
				o = outcome{kind: Leak, detail: fmt.Sprintf("the execution left %d %s behind, blocked for good after every operation returned:\n%s", n, plural(n, "goroutine", "goroutines"), o.detail)}
			}
		}
	case sched.Hung:
		r.poisoned = true
		o = outcome{kind: Hang, detail: describeWaiters(e, len(sc.Threads)) + "\nevery goroutine's stack:\n\n" + e.Stacks}
	case sched.Unmanaged:
		r.poisoned = true
		if r.err == nil {
			r.err = fmt.Errorf("stress: a goroutine that package sched does not manage used an instrumented value during a controlled run; start the type's goroutines with sched.Go. Every goroutine's stack:\n\n%s", e.Stacks)
		}
		o = outcome{} // void: the error says why
	case sched.OutOfSteps:
		o = outcome{kind: StepLimit, detail: fmt.Sprintf("no end within %d scheduling points (-stress.maxsteps): a livelock, or a loop that waits for a thread the schedule never runs\n%s", r.cfg.maxSteps, describeWaiters(e, len(sc.Threads)))}
	default:
		o = r.verdict(x)
		if o.kind == 0 {
			o = r.leakCheck(o, id, base)
		}
	}
	if o.history == nil && o.kind != 0 {
		o.history = x.rec.History()
	}
	o.events, o.schedule, o.preemptions = e.Events, e.Choices, e.Preemptions
	o.fingerprint, o.orders = e.Fingerprint, e.Orders
	if e.Ops > 0 {
		r.sawEvents = true
	}
	return o
}

// rebuild runs o's schedule of sc again, recording its events (with
// their sites if sites), and returns that execution and whether it is o's
// again: the same events (by fingerprint) and the same history. An
// execution of choices only has no events to show; replay is exact, so
// the one its report shows is rebuilt this way.
func (r *runner[T, I, O]) rebuild(sc Scenario[I], o outcome, sites bool) (outcome, bool) {
	tr := traced
	if sites {
		tr = withSites
	}
	again := r.controlled(sc, sched.NewReplay(o.choices()), tr)
	if o.events != nil {
		return again, sched.Diverge(o.events, again.events) < 0
	}
	return again, again.fingerprint == o.fingerprint && sameHistory(o.history, again.history)
}

// sameHistory reports whether two histories of one scenario are the same:
// the same calls returning the same results in the same order.
func sameHistory(a, b []linearize.Operation) bool {
	return slices.EqualFunc(a, b, func(x, y linearize.Operation) bool {
		return x.Thread == y.Thread && x.Call == y.Call && x.Return == y.Return && x.Pending == y.Pending &&
			sameValue(x.Input, y.Input) && sameValue(x.Output, y.Output)
	})
}

// sameValue is reflect.DeepEqual, except for the calls and results of a
// Compare spec, which hold reflect.Values: DeepEqual compares a Value's
// address, which differs from run to run, not the value it holds.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case call:
		y, ok := b.(call)
		return ok && x.m == y.m && sameValues(x.args, y.args)
	case ret:
		y, ok := b.(ret)
		return ok && x.panicked == y.panicked && x.panicVal == y.panicVal && sameValues(x.vals, y.vals)
	}
	return reflect.DeepEqual(a, b)
}

func sameValues(a, b []reflect.Value) bool {
	return slices.EqualFunc(a, b, func(x, y reflect.Value) bool {
		return reflect.DeepEqual(x.Interface(), y.Interface())
	})
}

// waitsByDesign ends the report of a deadlock of a scenario's operation,
// for a spec whose model cannot say that an operation waits.
const waitsByDesign = "\nif an operation waits here by design (an Acquire on a full semaphore, a Take on an empty queue), the model must say when it waits: a stress.Spec whose model.Model has a Blocks method (see \"Operations that block\" in the README); with stress.Compare, leave the method out (stress.Methods)\n"

// onlyGoroutinesLeft reports whether the threads a deadlocked execution
// left are all goroutines the type started (numbered after the phases'
// threads: init, 1..n, post), none of the scenario's own.
func onlyGoroutinesLeft(e *sched.Execution, n int) bool {
	for _, w := range e.Waiters {
		if w.Thread <= n+1 {
			return false
		}
	}
	return len(e.Waiters) > 0
}

// threadName is the one name of a thread in reports, given its number in
// package sched's numbering for a scenario of n parallel threads (see
// schedThread for the spec's): init (0), thread 1..n, post (n+1), the
// goroutines the subject started, g1, g2, ... (see goName), and the
// spec's New and Cleanup (threadNew, threadCleanup).
func threadName(id, n int) string {
	switch {
	case id == threadNew:
		return "Spec.New"
	case id == threadCleanup:
		return "Spec.Cleanup"
	case id == 0:
		return "init"
	case id <= n:
		return fmt.Sprintf("thread %d", id)
	case id == n+1:
		return "post"
	}
	return goName(id, n)
}

// goName names a goroutine the subject started, numbered id by package
// sched after the scenario's n+2 threads: g1, g2, ... in order of start.
func goName(id, n int) string { return fmt.Sprintf("g%d", id-n-1) }

func describeWaiters(e *sched.Execution, n int) string {
	var b strings.Builder
	started := startedBy(e.Events)
	names := varNames(e.Events) // none when the run recorded no sites
	for _, w := range e.Waiters {
		fmt.Fprintf(&b, "%s: ", threadLabel(w.Thread, n, started))
		switch {
		case w.Blocked != 0 && w.Last.Kind == sched.KindBlock && w.Last.Text != "":
			fmt.Fprintf(&b, "blocked in %s", w.Last.Text)
		case w.Blocked != 0 && names[w.Blocked] != "":
			fmt.Fprintf(&b, "waits for mutex %s", names[w.Blocked])
		case w.Blocked != 0:
			fmt.Fprintf(&b, "waits for mutex m%d", w.Blocked)
		case w.Running && e.Outcome == sched.OutOfSteps:
			b.WriteString("running when the bound was reached")
		case w.Running:
			b.WriteString("running, stuck outside the scheduler's sight")
		case e.Outcome == sched.Deadlocked && w.Last.Kind == sched.KindBlock:
			// A select or a nil channel blocks on no variable.
			fmt.Fprintf(&b, "blocked in %s", w.Last.Text)
		default:
			b.WriteString("runnable")
		}
		if w.Last.Kind != 0 || w.Last.Describe() != "" {
			// The site is known only when the run recorded sites (a
			// report's replay does; a hang is never run again).
			last := w.Last.ActionNamed(names[w.Last.Var])
			if site := w.Last.Site(); site != "" {
				fmt.Fprintf(&b, " (last: %s at %s)", last, site)
			} else {
				fmt.Fprintf(&b, " (last: %s)", last)
			}
		}
		if g, ok := started[w.Thread]; ok && g.Site() != "" {
			fmt.Fprintf(&b, ", started at %s", g.Site())
		}
		b.WriteString("\n")
	}
	return b.String()
}
