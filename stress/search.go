package stress

import (
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/internal/race"
	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

func newRunner[T, I, O any](t testing.TB, spec Spec[T, I, O], opts []Option) (*runner[T, I, O], error) {
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	pm, err := spec.validate()
	if err != nil {
		return nil, err
	}
	if spec.body != nil {
		// A body has no scenario to size: one thread runs it.
		cfg.threads, cfg.ops, cfg.init, cfg.post = 1, 1, 0, 0
	}
	r := &runner[T, I, O]{}
	// porcupine calls the model on goroutines of its own, where a panic
	// would end the test binary: catch it there, fail the step, and
	// report it from the check.
	step := pm.Step
	pm.Step = func(state, in, out any) (ok bool, next any) {
		defer func() {
			if p := recover(); p != nil {
				r.modelPanic.CompareAndSwap(nil, &panicInfo{value: p, stack: string(debug.Stack())})
				ok, next = false, state
			}
		}()
		return step(state, in, out)
	}
	if cfg.seed == 0 {
		cfg.seed = new(maphash.Hash).Sum64() | 1
	}
	*r = runner[T, I, O]{
		t:     t,
		spec:  spec,
		model: spec.Model,
		pm:    pm,
		cfg:   cfg,
		start: time.Now(),
		began: time.Now(),
	}
	return r, nil
}

// runner is one call of Run.
type runner[T, I, O any] struct {
	t     testing.TB
	spec  Spec[T, I, O]
	model model.Sequential[I, O]
	pm    porcupine.Model
	cfg   config
	start time.Time

	executions int // since the current search began
	total      int // in all
	scenarios  int
	began      time.Time
	// poisoned says a hang left goroutines behind that nothing can
	// reclaim: no controlled execution may follow, and no search goes
	// on. It is about the process, so every mode sees it, unlike a
	// search's own state (searchState); Fuzz clears it for each input.
	poisoned   bool
	err        error
	sawEvents  bool // a controlled execution saw an instrumented operation
	cover      coverage
	gensMu     sync.Mutex // guards gens
	gens       map[gensKey]*scenarioGens[I]
	perOp      float64 // LearnedPCT's decisions per operation (learnLength)
	winPerOp   float64 // WindowPCT's windows per operation (learnLength), -1 if not measured
	winOps     int     // the operations it was measured on
	modelPanic atomic.Pointer[panicInfo]
	parallel   bool            // other tests may run at the same time: stress mode only, exact leak checks
	leakSites  map[string]bool // stacks where goroutines were found leaked (leftBehind)
	fuzzing    bool            // a fuzz target: the fuzzer saves and replays inputs
	log        strings.Builder
	// journal, in a child process, records where the search is (at).
	journal *journal
	skipMsg string // why skipf skipped the test
	at      journalRecord
	// bin is the test binary children run, if not this one (reexec.go).
	bin *testBinary
}

// searchState is what one search has seen: the failures it noted and,
// in stress mode, the scenarios it saw fail. Every search has its own,
// made fresh: the instrumentation probe, LearnedPCT's measuring run, a
// controlled search, a stress search, the hand-off to controlled mode,
// an exhaustive search, a replay and each fuzz input. So a failure one of
// them noted is never taken for another's, and a stress search's
// answers are never given to a later one. What the runner itself keeps
// across them is about the process or the whole call (poisoned,
// sawEvents, perOp, the counts and the coverage).
type searchState[I any] struct {
	// first is the first failure noted; last the latest of first's
	// kind, the smallest rapid settled on (see note).
	first, last *found[I]
	// keepFirst stops a stress search at its first failure: rapid does
	// not shrink it (see run), it only sees the failure again.
	keepFirst bool
	// failing holds, in stress mode, the outcome of every scenario seen
	// to fail, keyed by scenarioKey: rapid runs a failing case again to
	// be sure, and must see the same answer although real
	// interleavings vary.
	failing map[string]outcome
	// windows counts WindowPCT's windows in the controlled executions
	// that passed before the first failure, windowOps their parallel
	// operations: windowCount learns from them (see there).
	windows, windowOps int
}

// scenarioKey identifies a scenario in searchState.failing: its Go
// syntax, which spells out every operation's input.
func scenarioKey[I any](sc Scenario[I]) string { return fmt.Sprintf("%#v", sc) }

// found is a failing scenario and what it showed.
type found[I any] struct {
	sc         Scenario[I]
	o          outcome
	mode       Mode
	executions int
	elapsed    time.Duration
	draws      []uint64
	bounds     bounds
	// drawn is the scenario rapid drew and sel, if set, what minimization
	// kept of it (sc is the result); picks, if set, is the schedule to
	// replay instead of the drawn one.
	drawn Scenario[I]
	sel   *selection
	picks []int
	// probe marks a failure of the instrumentation probe, whose scenario
	// comes from the seed, not from draws; foundBy is the mode whose
	// search found it, when not the mode shown.
	probe   bool
	foundBy Mode
	// shrinkNote says how minimization judged candidates, if the reader
	// needs to know (a hang's short watchdog).
	shrinkNote string
}

// bounds limit the scenarios drawn. They are part of a replay file:
// the same draws give other scenarios under other bounds.
type bounds struct {
	Threads int `json:"threads"`
	Ops     int `json:"ops"`
	Init    int `json:"init"`
	Post    int `json:"post"`
}

func (r *runner[T, I, O]) logf(format string, args ...any) {
	fmt.Fprintf(&r.log, format+"\n", args...)
	if r.cfg.verbose {
		r.t.Logf(format, args...)
	}
}

// run searches in the configured mode and returns the failure to report.
func (r *runner[T, I, O]) run() *Failure {
	b := bounds{Threads: r.cfg.threads, Ops: r.cfg.ops, Init: r.cfg.init, Post: r.cfg.post}
	probed, instrumented := r.parallel, false // a parallel test: no controlled work
	switch {
	case r.cfg.mode == Controlled:
		return r.report(r.searchControlled(b), "")
	case r.cfg.mode == Auto && !r.spec.FakeTime:
		var probe *found[I]
		probed = true
		instrumented, probe = r.instrumented()
		if r.err != nil {
			return nil
		}
		if probe != nil {
			note := "found by the first, probing execution, under controlled scheduling"
			if !instrumented {
				note = "found by the first, probing execution, which ran each operation whole under the scheduler: the code uses no sched operation, so no interleaving within an operation was tried"
			}
			return r.report(r.minimizeProbe(probe), note)
		}
		if instrumented {
			if f := r.searchControlled(b); f != nil {
				return r.report(f, "")
			}
			if r.spec.body != nil && !race.Enabled || r.mayBlock() {
				// A body on package sched: auto picks controlled mode
				// alone, as Check says, except under -race: the
				// scheduler orders every step, so the race detector
				// sees no race in a controlled run, and a race on a
				// plain variable, which no scheduling point splits, is
				// found only with goroutines running free. A model
				// whose operations may block: stress mode cannot tell a
				// blocked operation from a hang.
				return nil
			}
		} else if r.mayBlock() {
			r.err = errBlockingStress
			return nil
		}
	}
	// Stress mode proper: rapid does not shrink a failure with real
	// goroutines (each of its tries would run a scenario up to runs
	// times); controlled scheduling minimizes it exactly if the type is
	// instrumented, and shrink's deletion pass if it is not.
	f := r.search(Stress, b, !r.spec.FakeTime)
	if f == nil || r.poisoned || r.spec.FakeTime || probed && !instrumented {
		if f != nil {
			r.shrink(f)
		}
		return r.report(f, "")
	}
	if !probed {
		instrumented, _ = r.instrumented()
	}
	if !instrumented {
		r.shrink(f)
		return r.report(f, "")
	}
	if c := r.handOff(f); c != nil {
		return r.report(c, fmt.Sprintf("found in stress mode; minimized under controlled scheduling (%d %s)", r.executions, plural(r.executions, "execution", "executions")))
	}
	return r.report(f, "controlled scheduling did not reproduce this failure within its budget: it may depend on something the scheduler does not see")
}

// minimizeProbe minimizes a failure the instrumentation probe found.
func (r *runner[T, I, O]) minimizeProbe(f *found[I]) *found[I] {
	r.record("minimize")
	if !r.poisoned {
		defer serial()()
		r.minimize(f)
	} else {
		r.shrink(f)
	}
	f.probe = true
	return f
}

// handOff looks for a stress failure under controlled scheduling, to get
// a replayable, minimal interleaving: first every schedule of the failing
// scenario with up to 3 preemptions, then random schedules of scenarios
// no bigger than it. Only a failure of the same kind counts. The result
// keeps the stress search's numbers: that is where the bug was found.
func (r *runner[T, I, O]) handOff(f *found[I]) *found[I] {
	r.record("minimize")
	defer serial()()
	r.executions = 0
	for b := 0; b <= 3 && !r.poisoned; b++ {
		if o, ok := r.explore(f.sc, b, f.o.kind, 20000); ok {
			c := *f
			c.o, c.mode, c.picks, c.foundBy = o, Controlled, schedule(o), Stress
			r.minimize(&c)
			return &c
		}
	}
	small := bounds{Threads: len(f.sc.Threads), Ops: 1, Init: len(f.sc.Init), Post: len(f.sc.Post)}
	for _, th := range f.sc.Threads {
		small.Ops = max(small.Ops, len(th))
	}
	if c := r.searchControlled(small); c != nil && c.o.kind == f.o.kind {
		c.executions, c.elapsed, c.foundBy = f.executions, f.elapsed, Stress
		return c
	}
	return nil
}

// searchControlled searches in controlled mode and then minimizes the
// failure further by exhaustive search.
func (r *runner[T, I, O]) searchControlled(b bounds) *found[I] {
	f := r.learnLength(b)
	if f == nil && !r.poisoned {
		f = r.search(Controlled, b, false)
	}
	if f != nil && !r.poisoned {
		r.record("minimize")
		defer serial()()
		r.minimize(f)
	} else if f != nil {
		r.shrink(f)
	}
	if f == nil && !r.sawEvents && r.err == nil {
		r.err = ErrNotInstrumented
	}
	return f
}

// learnLength measures, for LearnedPCT, how many scheduling decisions an
// operation of a parallel thread takes, so that PCT's change points fall
// within the executions: one execution of the instrumentation probe's
// scenario under a random walk seeded with the seed, so that every search
// with this seed draws the same schedules. A failure of that execution is
// left to the search to find, with a schedule it can replay and shrink,
// unless it hung: then no search can follow, and the hang, returned, is
// the search's failure.
func (r *runner[T, I, O]) learnLength(b bounds) (hung *found[I]) {
	if (r.cfg.strategy != LearnedPCT && r.cfg.strategy != WindowPCT) || r.perOp > 0 {
		return nil
	}
	r.perOp, r.winPerOp = defaultPerOp, -1
	defer func() {
		// The spec's generator panicked: the search will say so.
		_ = recover()
	}()
	sc := r.probeScenario()
	defer serial()()
	windows := 0
	o := r.controlledOnce(sc, sched.CountWindows(sched.NewRandomWalk(sched.NewSource(r.cfg.seed)), &windows))
	r.executions++
	r.total++
	switch {
	case r.poisoned && o.kind != 0 && r.err == nil:
		var st searchState[I]
		hung = r.note(&st, sc, o, Controlled, b)
	case (o.kind == 0 || o.kind == Violation || o.kind == Undecided || o.kind == Property || o.kind == Leak) && sc.Size() > 0 && len(o.schedule) > 0:
		// The execution ran to its end.
		r.perOp = float64(len(o.schedule)) / float64(sc.Size())
		r.winPerOp, r.winOps = float64(windows)/float64(sc.Size()), sc.Size()
	}
	return hung
}

// defaultPerOp is PCT's estimate of the scheduling decisions per
// operation, when not measured.
const defaultPerOp = 8

// pctLength returns PCT's estimate of the decisions of an execution of
// sc.
func (r *runner[T, I, O]) pctLength(sc Scenario[I]) int {
	if r.perOp > 0 {
		return int(math.Ceil(r.perOp*float64(parallelOps(sc)))) + 2
	}
	return pctSteps(sc.Size())
}

// windowCount returns WindowPCT's estimate of the windows of an execution
// of sc: the windows per parallel operation of the measuring execution
// and of st's executions that passed (if st is not nil), one per
// operation if nothing was measured. One execution is a small sample: a
// probe that happened to meet no window would otherwise make every
// execution PCT over the steps.
func (r *runner[T, I, O]) windowCount(sc Scenario[I], st *searchState[I]) int {
	var windows, ops float64
	if r.winPerOp >= 0 {
		windows, ops = r.winPerOp*float64(r.winOps), float64(r.winOps)
	}
	if st != nil {
		windows += float64(st.windows)
		ops += float64(st.windowOps)
	}
	if ops == 0 {
		return parallelOps(sc)
	}
	return int(math.Ceil(windows / ops * float64(parallelOps(sc))))
}

// parallelOps counts the operations of sc's parallel threads.
func parallelOps[I any](sc Scenario[I]) int {
	n := 0
	for _, th := range sc.Threads {
		n += len(th)
	}
	return n
}

// serial runs the process on one processor until the returned function is
// called. Controlled executions run one goroutine at a time anyway, and
// handing the processor between goroutines of one P is about twice as
// fast as waking one on another (BenchmarkControlledExecution).
func serial() (restore func()) {
	prev := runtime.GOMAXPROCS(1)
	return func() { runtime.GOMAXPROCS(prev) }
}

// instrumented reports whether the type under test uses package sched, by
// running a small scenario under the scheduler and looking for events
// other than calls and returns. If that execution fails, the failure is
// returned: it may have left a goroutine behind that no search can
// reclaim.
func (r *runner[T, I, O]) instrumented() (bool, *found[I]) {
	sc, err := r.safeProbeScenario()
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return false, nil
	}
	r.at = journalRecord{Mode: Controlled, Bounds: bounds{Threads: r.cfg.threads, Ops: r.cfg.ops}}
	r.record("probe")
	o := r.controlledOnce(sc, nil)
	r.executions++
	r.total++
	instrumented := r.sawEvents
	if o.kind != 0 && r.err == nil {
		var st searchState[I]
		return instrumented, r.note(&st, sc, o, Controlled, bounds{Threads: r.cfg.threads, Ops: r.cfg.ops})
	}
	return instrumented, nil
}

// safeProbeScenario is probeScenario, with a panic of the spec's
// generator (rapid.Custom that draws nothing, say) as an error: it is the
// spec's, not the type's, and the search would say so less plainly.
func (r *runner[T, I, O]) safeProbeScenario() (sc Scenario[I], err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("stress: the spec's Ops generator panicked while drawing the probe's operations: %v", p)
		}
	}()
	return r.probeScenario(), nil
}

// probeScenario is the scenario of the instrumentation probe: a few
// operations per thread, since one kind of operation may not touch the
// instrumented state (a sleep, say), within the threads and operations
// the user allows (2 threads of 4 at most). It is a function of the seed
// and those bounds, so a replay file can name it.
func (r *runner[T, I, O]) probeScenario() Scenario[I] {
	threads, ops := min(2, r.cfg.threads), min(4, r.cfg.ops)
	sc := Scenario[I]{Threads: make([][]I, threads)}
	if r.spec.scenario != nil {
		r.spec.scenario()
	}
	for i := range threads * ops {
		sc.Threads[i%threads] = append(sc.Threads[i%threads], r.spec.Ops.Example(int(r.cfg.seed&0xffffff)+i))
	}
	return sc
}

// search runs batches of rapid checks in mode until a failure is found or
// the budget is spent, and returns the smallest failure rapid settled on,
// or with keepFirst (stress mode) the first one found.
func (r *runner[T, I, O]) search(mode Mode, b bounds, keepFirst bool) *found[I] {
	st := &searchState[I]{keepFirst: keepFirst}
	if mode == Stress {
		stop := schedhook.Perturb(r.cfg.seed, 100)
		defer stop()
	} else {
		defer serial()()
	}
	var seed uint64
	calls := 0
	prop := func(rt *rapid.T) {
		calls++
		if r.poisoned {
			return
		}
		r.at = journalRecord{Mode: mode, Bounds: b, Seed: seed, Index: calls}
		sc := r.draw(rt, b)
		if st.keepFirst && st.last != nil {
			// Stop at the first failure, but let rapid see it again
			// (st.failing answers) so that it keeps the draws that make
			// it.
			if o, ok := st.failing[scenarioKey(sc)]; ok {
				failWith(rt, o.kind)
			}
			return
		}
		if st.last == nil {
			r.record("search")
		} else {
			r.record("shrink")
		}
		r.scenarios++
		o := r.runScenario(st, rt, mode, sc)
		if o.kind != 0 {
			r.note(st, sc, o, mode, b)
			failWith(rt, o.kind)
		}
	}
	for batch := uint64(0); ; batch++ {
		seed, calls = r.cfg.seed+batch*0x9e3779b97f4a7c15, 0
		draws, failed, log, err := rapidCheck(r.checks(mode), seed, r.rapidShrink(mode).String(), prop)
		r.logf("%s mode, batch %d (rapid seed %d): %d executions so far", mode, batch, seed, r.executions)
		if log != "" {
			r.logf("%s", strings.TrimSpace(log))
		}
		if err != nil {
			r.logf("minimization stopped early: %v", err)
		}
		if st.last != nil {
			st.last.draws = draws
			return st.last
		}
		if failed && r.err == nil {
			// rapid saw a failure no check of ours reported: a generator
			// that rejects every draw, a panic in the spec's Ops
			// generator, or in this package.
			if strings.Contains(log, "valid tests from") {
				r.err = fmt.Errorf("%w: the spec's Ops generator rejected every draw (a Filter that nothing passes?); rapid said:\n%s", ErrNothingRan, strings.TrimSpace(log))
			} else {
				r.err = fmt.Errorf("stress: the spec's Ops generator panicked (or a scenario failed outside the checks); rapid said:\n%s", strings.TrimSpace(log))
			}
			return nil
		}
		if r.poisoned || r.cfg.duration == 0 || time.Since(r.start) >= r.cfg.duration {
			return nil
		}
	}
}

// checks returns the number of scenarios per batch in mode: the number
// asked for, or the mode's default, a fifth of it under -short (fewer,
// never none: an explicit count is kept as given).
func (r *runner[T, I, O]) checks(mode Mode) int {
	n := 200
	switch {
	case r.cfg.checks > 0:
		return r.cfg.checks
	case mode == Controlled:
		n = 5000
	}
	if testing.Short() {
		n /= 5
	}
	return n
}

// runScenario runs one scenario of st's search: in stress mode up to
// cfg.runs times, stopping at the first failure; in controlled mode once,
// under a schedule drawn through rapid.
func (r *runner[T, I, O]) runScenario(st *searchState[I], rt *rapid.T, mode Mode, sc Scenario[I]) outcome {
	if mode == Stress {
		// A scenario that failed once is a failing scenario: remember it,
		// so that rapid, which runs a failing case again to be sure,
		// sees the same answer although real interleavings vary.
		key := scenarioKey(sc)
		if o, ok := st.failing[key]; ok {
			return o
		}
		for range r.cfg.runs {
			o := r.stressOnce(sc)
			r.executions++
			r.total++
			if o.kind != 0 {
				if st.failing == nil {
					st.failing = map[string]outcome{}
				}
				st.failing[key] = o
				return o
			}
			if r.poisoned {
				break
			}
		}
		return outcome{}
	}
	s := r.strategy(r.drawTape(rt, sc), sc, st)
	// Until the first failure, WindowPCT learns how many windows to
	// expect from the executions that pass (windowCount). After it, the
	// estimate stays as it was, so that rapid, which runs the failing
	// case again, gets the same schedule.
	o := r.controlledOnce(sc, s)
	if windows, ok := sched.WindowsMet(s); ok && st.last == nil && o.kind == 0 {
		st.windows += windows
		st.windowOps += parallelOps(sc)
	}
	r.executions++
	r.total++
	r.cover.add(o)
	return o
}

func (r *runner[T, I, O]) strategy(src sched.Source, sc Scenario[I], st *searchState[I]) sched.Strategy {
	switch r.cfg.strategy {
	case PCT:
		return sched.NewPCT(src, r.cfg.depth, pctSteps(sc.Size()))
	case LearnedPCT:
		return sched.NewPCT(src, r.cfg.depth, r.pctLength(sc))
	case WindowPCT:
		return sched.NewWindowPCT(src, r.cfg.depth, r.pctLength(sc), r.windowCount(sc, st))
	case POS:
		return sched.NewPOS(src)
	}
	return sched.NewRandomWalk(src)
}

// pctSteps is PCT's estimate of the decisions of an execution of ops
// operations.
func pctSteps(ops int) int { return 8*ops + 4 }

// note records a failure in st and returns st.last. Only failures of the
// first kind found are kept: rapid minimizes a failure into failures of
// the same kind, and the last one it runs is the smallest.
func (r *runner[T, I, O]) note(st *searchState[I], sc Scenario[I], o outcome, mode Mode, b bounds) *found[I] {
	// A failure is found after everything run so far, every phase
	// (probe, earlier searches) included.
	f := &found[I]{sc: sc, drawn: sc, o: o, mode: mode, executions: r.total, elapsed: time.Since(r.began), bounds: b}
	if st.first == nil {
		st.first = f
	}
	if o.kind == st.first.o.kind {
		f.executions, f.elapsed = st.first.executions, st.first.elapsed
		st.last = f
	}
	return st.last
}

// failWith fails a rapid check with one call site per kind: rapid keeps a
// smaller case only if it fails at the same place, so a violation is never
// "minimized" into a panic.
func failWith(rt *rapid.T, k Kind) {
	switch k {
	case Violation:
		failViolation(rt)
	case Undecided:
		failUndecided(rt)
	case Property:
		failProperty(rt)
	case Panic:
		failPanic(rt)
	case Deadlock:
		failDeadlock(rt)
	case Hang:
		failHang(rt)
	case Leak:
		failLeak(rt)
	case DataRace:
		failDataRace(rt)
	case TestFailed:
		failTestFailed(rt)
	default:
		failStepLimit(rt)
	}
}

//go:noinline
func failViolation(rt *rapid.T) { rt.Fatal(Violation.String()) }

//go:noinline
func failUndecided(rt *rapid.T) { rt.Fatal(Undecided.String()) }

//go:noinline
func failProperty(rt *rapid.T) { rt.Fatal(Property.String()) }

//go:noinline
func failPanic(rt *rapid.T) { rt.Fatal(Panic.String()) }

//go:noinline
func failDeadlock(rt *rapid.T) { rt.Fatal(Deadlock.String()) }

//go:noinline
func failHang(rt *rapid.T) { rt.Fatal(Hang.String()) }

//go:noinline
func failLeak(rt *rapid.T) { rt.Fatal(Leak.String()) }

//go:noinline
func failStepLimit(rt *rapid.T) { rt.Fatal(StepLimit.String()) }

//go:noinline
func failDataRace(rt *rapid.T) { rt.Fatal(DataRace.String()) }

//go:noinline
func failTestFailed(rt *rapid.T) { rt.Fatal(TestFailed.String()) }
