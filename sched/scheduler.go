package sched

import (
	"context"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// active is the controlled run or perturbation in progress, or nil.
var active atomic.Pointer[scheduler]

// on is 1 while active is set. The fast path of every atomic primitive is
// one load of it: the inliner charges less for it than for active.Load,
// which keeps the primitives inlinable. The slow paths read active, and
// pass through when it is nil.
var on atomic.Uint32

// activate sets or clears the scheduler in progress.
func activate(s *scheduler) {
	if s == nil {
		on.Store(0)
		active.Store(nil)
		return
	}
	active.Store(s)
	on.Store(1)
}

// runMu serializes controlled runs and perturbation sessions.
var runMu sync.Mutex

// Outcome is how a controlled execution ended.
type Outcome uint8

// The outcomes.
const (
	Completed  Outcome = iota // every managed goroutine returned
	Panicked                  // a managed goroutine panicked
	Deadlocked                // goroutines remain and none can run
	Hung                      // the running goroutine blocked outside the scheduler's sight
	OutOfSteps                // more scheduling points than Config.MaxSteps
	// Unmanaged: a goroutine that neither Run nor Go started used an
	// instrumented value, so the scheduler could not tell it from the
	// thread it was running. The run is void; its goroutines are left as
	// they are, since the scheduler cannot tell which is which.
	Unmanaged
)

func (o Outcome) String() string {
	return [...]string{"completed", "panic", "deadlock", "hang", "step limit", "unmanaged goroutine"}[o]
}

// Config configures a controlled run. The zero value runs every decision
// through choice 0 (no preemption), with the default limits.
type Config struct {
	// Strategy makes the scheduling decisions; nil means always choice 0.
	Strategy Strategy
	// Watchdog is how long the running goroutine may go without reaching
	// a scheduling point before the run is declared a hang. Default 2s.
	Watchdog time.Duration
	// MaxSteps bounds the scheduling points of one execution (a livelock
	// guard). Default 100000.
	MaxSteps int
	// Sites records where each event happened (Event.Site). It is the
	// most expensive part of recording an event (about 40% of an
	// execution), so searches leave it off and replay the execution they
	// report with it on.
	Sites bool
	// ChoicesOnly records the decisions and counts of the run, not its
	// events: Execution.Events is nil, while Choices, Fingerprint and Ops
	// are what they would be otherwise. No value is formatted and no
	// pointer named, so a scheduling point allocates nothing. Searches set
	// it; since a replay is exact, running the schedule again without it
	// rebuilds the events of the execution they report.
	ChoicesOnly bool
	// Labels, if set, holds the profiler labels (runtime/pprof) that the
	// run's goroutines carry, and goroutines they start inherit. The
	// run's threads are pooled goroutines, which do not inherit the
	// labels of Execute's caller.
	Labels context.Context
}

// Choice is one scheduling decision: Pick among N runnable threads, listed
// with the thread that ran last first when it could go on (Continuing).
type Choice struct {
	N, Pick    int
	Continuing bool
}

// Preempts reports whether the choice took the processor from a thread
// that could have gone on.
func (c Choice) Preempts() bool { return c.Continuing && c.Pick != 0 }

// Waiter is an unfinished thread at the end of a deadlock or hang: its
// last event and, if blocked on a primitive (a Mutex, a WaitGroup's Wait,
// a Cond), which one.
type Waiter struct {
	Thread  int
	Last    Event // zero Kind and empty Text if it never ran
	Blocked int   // the primitive's variable number, or 0
	Running bool  // it held the processor (the hung one)
}

// Execution is what a controlled run did.
type Execution struct {
	Outcome Outcome
	Events  []Event
	Choices []Choice
	// Preemptions counts preemptions, switches away from a thread that could
	// have gone on; Steps counts scheduling points.
	Preemptions, Steps int
	// Threads is the number of managed goroutines that ran, spawned ones
	// included.
	Threads int
	// Fingerprint hashes the events in order: their threads, kinds,
	// variables, results and the values atomic operations read and wrote
	// (pointers by their order of first appearance), but not their text
	// or sites. It is the same with and without Config.ChoicesOnly, so it
	// tells whether a replay ran the same execution, and counts distinct
	// interleavings.
	Fingerprint uint64
	// Ops counts the events other than calls and returns: the
	// instrumented operations the run saw.
	Ops int
	// Orders lists, once each in the order first seen, the orders in
	// which the run made pairs of conflicting accesses (see Order): a
	// search that never sees a pair's reverse never tried it.
	Orders []Order
	// Panic, PanicThread and PanicStack describe a panic.
	Panic       any
	PanicThread int
	PanicStack  string
	// Waiters lists the unfinished threads of a deadlock or hang.
	Waiters []Waiter
	// Stacks holds every goroutine's stack, for a hang.
	Stacks string
}

type tstate uint8

const (
	runnable tstate = iota
	blocked
	finished
)

type thread struct {
	id        int
	wake      chan struct{}
	state     tstate
	blockedOn unsafe.Pointer // the wait queue it is blocked on (see block)
	blockedV  int            // the variable it waits for, for Waiter.Blocked
	waitSeq   uint64         // orders the threads blocked on a queue
	exiting   bool
	// parked is set while the thread waits for its turn. A scheduling
	// point for a parked thread cannot come from that thread: it comes
	// from a goroutine the scheduler does not manage.
	parked bool
	// inPhase marks a thread of a phase, not a goroutine one started;
	// phase is its phase's number, or -1.
	inPhase bool
	phase   int
	last    Event
	ran     bool
	// next is the operation it does when it next runs (pending), for
	// Decision.Pending.
	next    Access
	pending bool
}

type scheduler struct {
	// Perturbation (stress mode), read without locking.
	perturb bool
	seed    uint64
	permil  uint64
	count   atomic.Uint64

	phaseLive int   // threads of the current phase still running
	phaseBase []int // the number of each phase's first thread
	// mu guards the run's state. It passes to the next run with the
	// buffers (scratch): an unmanaged goroutine that outlived its run
	// may still lock its run's mu and touch them (R13).
	mu          *sync.Mutex
	cfg         Config
	strategy    Strategy
	phases      [][]func()
	phase       int
	threads     []*thread
	cur         *thread
	live        int // threads of this run not finished
	events      []Event
	choices     []Choice
	steps       int
	preemptions int
	switched    bool // the next event follows a switch
	preempted   bool
	vars        map[unsafe.Pointer]int
	ptrs        map[unsafe.Pointer]int
	aborted     bool
	released    bool // the buffers went to the next run (R13)
	exec        Execution
	done        chan struct{} // closed when the outcome is known
	exited      chan struct{} // closed when every thread has returned
	progress    atomic.Int64
	waitSeq     uint64   // numbers the threads as they block
	ids         []int    // choose's buffer of runnable threads
	pend        []Access // and of their pending operations
	ran         []Access // the operations done since the last decision
	woken       []int    // the threads unblocked since the last decision
	hash        uint64   // the Fingerprint so far
	ops         int
	vt          vclock // the virtual clock (vtime, see time.go)
	// What noteOrder needs: the variables' last accesses, and the
	// orders seen, as a set and in the order they were first seen.
	last      []lastAccess
	orderSet  map[Order]struct{}
	orderKeys map[uint64]struct{}
	orders    []Order
	// free holds thread structs of earlier runs, the first used of them
	// taken by this one.
	free []*thread
	used int
}

// Execute runs phases of managed goroutines under cfg and returns what
// happened. The goroutines of phase k+1 start once every goroutine of phase
// k (including ones it started with Go) has returned. Threads are numbered
// in order across phases: with phases {init}, {a, b}, {post}, init is 0, a
// is 1, b is 2, post is 3, and goroutines started with Go take the next
// numbers as they start. A nil function keeps its number and runs
// nothing: a caller whose last phase has nothing to do this time passes
// nil there, and its numbering stays the same, without the cost of a
// thread.
//
// Execute returns when the execution has ended and its threads have
// returned, except a thread stuck in a hang, which cannot be reclaimed.
// Threads run on goroutines kept from run to run (idle ones wait for the
// next), so Execute does not belong in a testing/synctest bubble, whose
// goroutines must all end with it; package sched's virtual clock is the
// fake time of a controlled run.
func Execute(cfg Config, phases ...[]func()) *Execution {
	runMu.Lock()
	defer runMu.Unlock()
	if cfg.Watchdog <= 0 {
		cfg.Watchdog = 2 * time.Second
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = 100000
	}
	s := &scheduler{
		cfg:      cfg,
		strategy: cfg.Strategy,
		phases:   phases,
		phase:    -1,
		done:     make(chan struct{}),
		exited:   make(chan struct{}),
		choices:  make([]Choice, 0, sizes.choices),
		hash:     fnvOffset,
	}
	spare.take(s)
	// Number the phases' threads in order, before any goroutine: slots
	// stay nil until their phase starts.
	for _, p := range phases {
		s.phaseBase = append(s.phaseBase, len(s.threads))
		for range p {
			s.threads = append(s.threads, nil)
		}
	}
	if !cfg.ChoicesOnly {
		s.events = make([]Event, 0, sizes.events)
	}
	if s.strategy == nil {
		s.strategy = NewReplay(nil)
	}
	activate(s)
	defer activate(nil)

	s.mu.Lock()
	s.startNextPhase()
	s.mu.Unlock()

	s.watch()
	if o := s.exec.Outcome; o != Hung && o != Unmanaged {
		// No managed goroutine of the run is left to touch them; an
		// unmanaged one that outlived it sees released (R13).
		s.mu.Lock()
		s.released = true
		s.mu.Unlock()
		spare.keep(s)
	}
	sizes.choices = roomFor(len(s.exec.Choices))
	if !cfg.ChoicesOnly {
		sizes.events = roomFor(len(s.exec.Events))
	}
	return &s.exec
}

// sizes is the room the next run makes for its choices and events: what
// the last one needed, and a little more. Searches run executions of one
// scenario, or of scenarios alike, one after another, so that a run
// allocates its schedule and its events once, not as often as a slice
// doubling to its length would, and a scheduling point allocates
// nothing. Guarded by runMu.
var sizes = struct{ choices, events int }{32, 32}

// roomFor returns the room to make for n choices or events.
func roomFor(n int) int { return max(32, n+n/8) }

// watch waits for the outcome, declaring a hang when no scheduling point
// is reached for a watchdog period, then waits for the threads to exit.
// It looks at the progress a few times a period, so that a hang is
// declared about one period after the last step, not up to two.
func (s *scheduler) watch() {
	period := max(s.cfg.Watchdog/hangTicks, time.Millisecond)
	if watchTicker == nil {
		watchTicker = time.NewTicker(period)
	} else {
		watchTicker.Reset(period) // no tick of an earlier run is left
	}
	ticker := watchTicker
	defer ticker.Stop()
	last, idle := s.progress.Load(), 0
	for waiting := true; waiting; {
		select {
		case <-s.done:
			waiting = false
		case <-ticker.C:
			if p := s.progress.Load(); p != last {
				last, idle = p, 0
				continue
			}
			if idle++; idle < hangTicks {
				continue
			}
			s.mu.Lock()
			select {
			case <-s.done: // it ended just now
			default:
				buf := make([]byte, 1<<20)
				s.exec.Stacks = string(buf[:runtime.Stack(buf, true)])
				s.endLocked(Hung)
			}
			s.mu.Unlock()
			waiting = false
		}
	}
	if s.exec.Outcome == Unmanaged {
		return
	}
	if s.exec.Outcome == Hung {
		// The hung goroutine cannot be reclaimed and never exits; the
		// parked ones, woken to unwind, take microseconds.
		select {
		case <-s.exited:
		case <-time.After(min(s.cfg.Watchdog, hangUnwind)):
		}
		return
	}
	<-s.exited
}

// watchTicker is watch's, kept from run to run (runMu).
var watchTicker *time.Ticker

// A hang is declared after hangTicks looks at the progress, a watchdog
// period apart in all, find none; after it, the other threads get
// hangUnwind to exit.
const (
	hangTicks  = 10
	hangUnwind = 100 * time.Millisecond
)

// startNextPhase spawns the threads of the next phase and hands the
// processor to the first one the strategy picks. Called with mu held.
func (s *scheduler) startNextPhase() {
	for {
		s.phase++
		if s.phase >= len(s.phases) {
			s.endLocked(Completed)
			return
		}
		if s.phaseRuns(s.phase) {
			break
		}
	}
	for i, fn := range s.phases[s.phase] {
		if fn == nil {
			continue
		}
		t := s.spawn(fn, s.phaseBase[s.phase]+i)
		t.inPhase, t.phase = true, s.phase
		s.phaseLive++
	}
	if next := s.choose(nil); next != nil {
		s.handTo(next)
	}
}

// phaseRuns reports whether phase k has a thread to run: a nil function
// in a phase keeps its thread's number and runs nothing.
func (s *scheduler) phaseRuns(k int) bool {
	for _, fn := range s.phases[k] {
		if fn != nil {
			return true
		}
	}
	return false
}

// laterPhase reports whether a phase after the current one has a thread
// to run.
func (s *scheduler) laterPhase() bool {
	for k := s.phase + 1; k < len(s.phases); k++ {
		if s.phaseRuns(k) {
			return true
		}
	}
	return false
}

// spawn creates a managed thread numbered id that waits for its first
// turn: a phase's thread takes the number its place in the phases gives
// it, so that goroutines started before its phase do not shift it; a
// goroutine takes the next number after every phase's. Called with mu
// held.
func (s *scheduler) spawn(fn func(), id int) *thread {
	if s.released {
		// The run is over: fn runs on a goroutine of its own, as
		// after an abort (R13).
		go fn()
		return &thread{}
	}
	w := idleWorker()
	var t *thread
	if s.used < len(s.free) {
		t = s.free[s.used]
		*t = thread{}
	} else {
		t = new(thread)
		s.free = append(s.free, t)
	}
	s.used++
	t.id, t.wake, t.parked, t.phase = id, w.wake, true, -1
	if id < len(s.threads) {
		s.threads[id] = t
	} else {
		s.threads = append(s.threads, t)
	}
	s.live++
	w.job <- job{s: s, t: t, fn: fn}
	return t
}

func (s *scheduler) runThread(t *thread, fn func()) {
	<-t.wake
	s.mu.Lock()
	t.parked = false
	s.mu.Unlock()
	returned := false
	defer func() {
		var p any
		var stack string
		if !returned {
			if p = recover(); p != nil {
				stack = panicStack(debug.Stack())
			}
		}
		s.threadDone(t, p, stack)
	}()
	s.mu.Lock()
	aborted := s.aborted
	if aborted {
		t.exiting = true
	}
	s.mu.Unlock()
	if !aborted {
		fn()
	}
	returned = true
}

// threadDone retires t and passes the processor on.
func (s *scheduler) threadDone(t *thread, panicked any, stack string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.state = finished
	s.live--
	if t.pending {
		s.noteDone(t.next)
		t.pending = false
	}
	if t.inPhase {
		s.phaseLive--
	}
	if panicked != nil && !s.aborted {
		s.exec.Panic, s.exec.PanicThread, s.exec.PanicStack = panicked, t.id, stack
		s.endLocked(Panicked)
	}
	if s.aborted {
		s.maybeExited()
		return
	}
	if t.inPhase && s.phaseLive == 0 && s.laterPhase() {
		// The phase's threads are done: the next phase starts, while
		// goroutines they started (a type's workers, say) go on.
		s.startNextPhase()
		return
	}
	if next := s.choose(nil); next != nil {
		s.handTo(next)
		return
	}
	if s.live == 0 {
		s.startNextPhase()
		return
	}
	if next := s.fireTimersLocked(); next != nil { // vtime: time moves
		s.handTo(next)
		return
	}
	s.endLocked(Deadlocked)
	s.maybeExited()
}

func (s *scheduler) maybeExited() {
	if s.live == 0 {
		select {
		case <-s.exited:
		default:
			close(s.exited)
		}
	}
}

// endLocked records the outcome and, unless the run completed, aborts the
// threads that remain: each wakes and unwinds with runtime.Goexit.
func (s *scheduler) endLocked(o Outcome) {
	select {
	case <-s.done:
		return
	default:
	}
	s.exec.Outcome = o
	s.exec.Events = s.events
	s.exec.Choices = s.choices
	s.exec.Preemptions = s.preemptions
	s.exec.Steps = s.steps
	s.exec.Threads = 0
	for _, t := range s.threads {
		if t != nil { // a nil function's number, or a phase not started
			s.exec.Threads++
		}
	}
	s.exec.Fingerprint, s.exec.Ops = s.hash, s.ops
	if len(s.orders) > 0 {
		s.exec.Orders = slices.Clone(s.orders)
	}
	if o == Deadlocked || o == Hung || o == OutOfSteps {
		s.waitersLocked()
	}
	close(s.done)
	s.aborted = true
	if o == Unmanaged {
		return
	}
	for _, t := range s.threads {
		if t == nil {
			continue // a phase that has not started
		}
		if t.state != finished && t != s.cur {
			t.wake <- struct{}{}
		}
	}
	if o == Completed {
		s.maybeExited()
	}
}

// waitersLocked lists the unfinished threads in exec.Waiters. Called with
// mu held.
//
//go:noinline
func (s *scheduler) waitersLocked() {
	for _, t := range s.threads {
		if t == nil {
			continue // a phase that has not started
		}
		if t.state == finished {
			continue
		}
		w := Waiter{Thread: t.id, Last: t.last.formatted(s), Running: t == s.cur && t.state == runnable}
		if t.state == blocked {
			w.Blocked = t.blockedV
		}
		s.exec.Waiters = append(s.exec.Waiters, w)
	}
}

// choose asks the strategy which runnable thread goes next. from is the
// thread that just ran and could go on, or nil. It returns nil when no
// thread can run. Called with mu held.
func (s *scheduler) choose(from *thread) *thread {
	// The buffer is reused: strategies must not keep Decision.Runnable.
	ids := s.ids[:0]
	continuing := from != nil && from.state == runnable
	if continuing {
		ids = append(ids, from.id)
	}
	for _, t := range s.threads {
		if t == nil {
			continue // a phase that has not started
		}
		if t.state == runnable && t != from {
			ids = append(ids, t.id)
		}
	}
	s.ids = ids
	switch len(ids) {
	case 0:
		return nil
	case 1:
		return s.threads[ids[0]]
	}
	pend := s.pend[:0]
	for _, id := range ids {
		t := s.threads[id]
		if t.pending {
			pend = append(pend, t.next)
		} else {
			pend = append(pend, Access{Thread: id})
		}
	}
	s.pend = pend
	pick := s.strategy.Choose(Decision{Step: len(s.choices), Runnable: ids, Continuing: continuing, Pending: pend, Ran: s.ran, Woken: s.woken})
	s.ran, s.woken = s.ran[:0], s.woken[:0]
	if pick < 0 || pick >= len(ids) {
		pick = 0
	}
	c := Choice{N: len(ids), Pick: pick, Continuing: continuing}
	s.choices = append(s.choices, c)
	if c.Preempts() {
		s.preemptions++
		s.preempted = true
	}
	return s.threads[ids[pick]]
}

// handTo gives the processor to t. Called with mu held.
func (s *scheduler) handTo(t *thread) {
	if s.cur != nil && s.cur != t {
		s.switched = true
	}
	s.cur = t
	t.wake <- struct{}{}
}

// point is the scheduling point before an instrumented operation of the
// current thread. It returns the thread, holding the processor, or nil
// when the run is over and the operation should pass through unrecorded.
func (s *scheduler) point() *thread { return s.pointAt(Access{}) }

// pointAt is point before an operation that makes access a (the zero
// Access when not known), which strategies that weigh conflicts see.
func (s *scheduler) pointAt(a Access) *thread {
	s.progress.Add(1)
	s.mu.Lock()
	if s.released {
		s.mu.Unlock()
		return nil
	}
	t := s.cur
	if t != nil && t.parked {
		s.unmanagedLocked()
		s.mu.Unlock()
		return nil
	}
	if t != nil {
		// Its previous operation has been done; this one is pending.
		if t.pending {
			s.noteDone(t.next)
		}
		a.Thread = t.id
		t.next, t.pending = a, true
	}
	if s.aborted {
		return s.abandonUnlock(t)
	}
	s.steps++
	if s.steps > s.cfg.MaxSteps {
		s.endLocked(OutOfSteps)
		return s.abandonUnlock(t)
	}
	next := s.choose(t)
	if next == t {
		s.mu.Unlock()
		return t
	}
	s.handTo(next)
	t.parked = true
	wake := t.wake
	s.mu.Unlock()
	return s.park(t, wake)
}

// noteDone notes an operation done since the last decision, keeping the
// last maxRan of them. Called with mu held.
func (s *scheduler) noteDone(a Access) {
	if len(s.ran) == maxRan {
		copy(s.ran, s.ran[1:])
		s.ran = s.ran[:maxRan-1]
	}
	s.ran = append(s.ran, a)
}

// maxRan bounds Decision.Ran: a strategy that weighs conflicts needs the
// recent operations, not a long stretch of one thread's.
const maxRan = 64

// unmanagedLocked ends the run because a goroutine that is not the
// running thread reached a scheduling point. Called with mu held.
func (s *scheduler) unmanagedLocked() {
	select {
	case <-s.done:
		return
	default:
	}
	buf := make([]byte, 1<<20)
	s.exec.Stacks = string(buf[:runtime.Stack(buf, true)])
	s.endLocked(Unmanaged)
}

// park waits for t's next turn on wake, t.wake as the caller read it
// with mu held; the caller has set t.parked. The field is not read here:
// an unmanaged goroutine parked as t may still wait when a later run
// reuses t (R3).
func (s *scheduler) park(t *thread, wake chan struct{}) *thread {
	<-wake
	s.mu.Lock()
	t.parked = false
	if s.aborted {
		return s.abandonUnlock(t)
	}
	s.mu.Unlock()
	return t
}

// abandon unwinds a thread of an ended run the first time it reaches a
// scheduling point; once unwinding, its operations pass through.
func (s *scheduler) abandon(t *thread) *thread {
	s.mu.Lock()
	return s.abandonUnlock(t)
}

// abandonUnlock is abandon for a caller holding mu, which it releases. A
// caller that decided with mu held that the run is over (it ended it, or
// found it ended) marks t exiting in the same hold: released in between,
// another thread's deferred call could reach a point, be taken for t's
// (R9), mark t exiting and unwind in its place, and t, exiting already,
// would then pass through its points for good, spinning in a loop around
// a Cond.Wait that no longer waits (a hang seen in
// TestBufferLostWakeupCaught under load).
func (s *scheduler) abandonUnlock(t *thread) *thread {
	if s.released {
		s.mu.Unlock()
		return nil
	}
	// A finished t (the thread that panicked) cannot be the caller: the
	// caller is a thread unwinding, in a deferred call (protocol.go, R9).
	exiting := t == nil || t.exiting || t.state == finished
	if t != nil {
		t.exiting = true
	}
	s.mu.Unlock()
	if !exiting {
		runtime.Goexit()
	}
	return nil
}

// panicStack trims a stack taken in a deferred recover to where the panic
// began: the goroutine's header, then the frames below the runtime's
// panic frame, without the recovering frames above it.
func panicStack(stack []byte) string {
	s := string(stack)
	header, rest, ok := strings.Cut(s, "\n")
	if !ok {
		return s
	}
	i := strings.Index(rest, "\npanic(")
	if i < 0 {
		return s
	}
	// The panic frame is two lines: the call, then its file and line.
	after := rest[i+1:]
	for range 2 {
		_, after, ok = strings.Cut(after, "\n")
		if !ok {
			return s
		}
	}
	return header + "\n" + after
}
