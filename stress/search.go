package stress

import (
	"fmt"
	"hash/maphash"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// Test runs spec and fails t with a report if it finds a bug: a
// linearizability violation, a failed property, a panic, a deadlock, a
// hang or a leaked goroutine. The report shows the smallest scenario and
// interleaving found and the command that replays it.
//
// Test is not compatible with t.Parallel: leak detection counts every
// goroutine of the process, and controlled runs are exclusive.
func Test[T, I, O any](t *testing.T, spec Spec[T, I, O], opts ...Option) {
	t.Helper()
	f, err := Find(t, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		t.Fatal(f.Report())
	}
}

// Find is Test that returns the failure instead of failing t: nil if no
// bug was found within the budget. The error is about the configuration
// (a bad option, an incomplete spec). Use it to assert that a bug is
// caught.
func Find[T, I, O any](t *testing.T, spec Spec[T, I, O], opts ...Option) (*Failure, error) {
	t.Helper()
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	pm, err := spec.validate()
	if err != nil {
		return nil, err
	}
	if cfg.mode == Controlled && spec.FakeTime {
		return nil, fmt.Errorf("stress: controlled mode cannot run a FakeTime spec (the scheduler and synctest's clock do not mix); use stress mode, or give the type an explicit clock")
	}
	if cfg.seed == 0 {
		cfg.seed = new(maphash.Hash).Sum64() | 1
	}
	r := &runner[T, I, O]{
		t:            t,
		spec:         spec,
		model:        spec.Model,
		pm:           pm,
		cfg:          cfg,
		checkTimeout: 10 * time.Second,
		leakOpts:     []goleak.Option{goleak.IgnoreCurrent()},
		start:        time.Now(),
	}
	if cfg.replay != "" {
		return r.replayFile(cfg.replay)
	}
	return r.run(), nil
}

// runner is one call of Find.
type runner[T, I, O any] struct {
	t            *testing.T
	spec         Spec[T, I, O]
	model        model.Sequential[I, O]
	pm           porcupine.Model
	cfg          config
	checkTimeout time.Duration
	leakOpts     []goleak.Option
	start        time.Time

	executions int
	poisoned   bool // a hang left goroutines behind: stop searching
	first      *found[I]
	last       *found[I]
	cache      map[string]outcome
	log        strings.Builder
}

// found is a failing scenario and what it showed.
type found[I any] struct {
	sc         Scenario[I]
	o          outcome
	mode       Mode
	executions int
	elapsed    time.Duration
	draws      []uint64
	bounds     bounds
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
	instrumented := !r.spec.FakeTime && r.instrumented()
	mode := r.cfg.mode
	if mode == Auto && instrumented {
		if f := r.search(Controlled, b); f != nil {
			return r.report(f, "")
		}
	}
	if mode == Controlled {
		return r.report(r.search(Controlled, b), "")
	}
	f := r.search(Stress, b)
	if f == nil || !instrumented || r.poisoned {
		return r.report(f, "")
	}
	// Hand the failure to controlled mode, within the size of the scenario
	// that failed, to get a replayable, minimal interleaving.
	r.first, r.last = nil, nil
	small := bounds{Threads: len(f.sc.Threads), Ops: 1, Init: len(f.sc.Init), Post: len(f.sc.Post)}
	for _, th := range f.sc.Threads {
		small.Ops = max(small.Ops, len(th))
	}
	if c := r.search(Controlled, small); c != nil {
		return r.report(c, fmt.Sprintf("found in stress mode after %d executions (%v); minimized under controlled scheduling", f.executions, f.elapsed.Round(time.Millisecond)))
	}
	return r.report(f, "controlled scheduling did not reproduce this failure within its budget: it may depend on something the scheduler does not see")
}

// instrumented reports whether the type under test uses package sched, by
// running a small scenario under the scheduler and looking for events
// other than calls and returns.
func (r *runner[T, I, O]) instrumented() bool {
	in := r.spec.Ops.Example(int(r.cfg.seed & 0x7fffffff))
	o := r.controlledOnce(Scenario[I]{Threads: [][]I{{in}, {in}}}, nil)
	for _, e := range o.events {
		if e.Kind != sched.KindCall && e.Kind != sched.KindReturn {
			return true
		}
	}
	return false
}

// search runs batches of rapid checks in mode until a failure is found or
// the budget is spent, and returns the smallest failure rapid settled on.
func (r *runner[T, I, O]) search(mode Mode, b bounds) *found[I] {
	if mode == Stress {
		stop := sched.Perturb(r.cfg.seed, 100)
		defer stop()
	}
	prop := func(rt *rapid.T) {
		if r.poisoned {
			return
		}
		sc := r.draw(rt, b)
		o := r.runScenario(rt, mode, sc)
		if o.kind != 0 {
			r.note(sc, o, mode, b)
			failWith(rt, o.kind)
		}
	}
	for batch := uint64(0); ; batch++ {
		seed := r.cfg.seed + batch*0x9e3779b97f4a7c15
		draws, log, err := rapidCheck(r.cfg.checks, seed, r.cfg.shrink.String(), prop)
		r.logf("%s mode, batch %d (rapid seed %d): %d executions so far", mode, batch, seed, r.executions)
		if log != "" {
			r.logf("%s", strings.TrimSpace(log))
		}
		if err != nil {
			r.logf("minimization stopped early: %v", err)
		}
		if r.last != nil {
			r.last.draws = draws
			return r.last
		}
		if r.poisoned || r.cfg.duration == 0 || time.Since(r.start) >= r.cfg.duration {
			return nil
		}
	}
}

// runScenario runs one scenario: in stress mode up to cfg.runs times,
// stopping at the first failure; in controlled mode once, under a schedule
// drawn through rapid.
func (r *runner[T, I, O]) runScenario(rt *rapid.T, mode Mode, sc Scenario[I]) outcome {
	if mode == Stress {
		// A scenario that failed once is a failing scenario: remember it,
		// so that rapid, which runs a failing case again to be sure,
		// sees the same answer although real interleavings vary.
		key := fmt.Sprintf("%#v", sc)
		if o, ok := r.cache[key]; ok {
			return o
		}
		for range r.cfg.runs {
			o := r.stressOnce(sc)
			r.executions++
			if o.kind != 0 {
				if r.cache == nil {
					r.cache = map[string]outcome{}
				}
				r.cache[key] = o
				return o
			}
			if r.poisoned {
				break
			}
		}
		return outcome{}
	}
	src := &rapidSource{t: rt}
	o := r.controlledOnce(sc, r.strategy(src, sc))
	r.executions++
	if src.panicked != nil {
		panic(src.panicked) // rapid ran out of data: let it see that
	}
	return o
}

func (r *runner[T, I, O]) strategy(src sched.Source, sc Scenario[I]) sched.Strategy {
	if r.cfg.strategy == PCT {
		return sched.PCT(src, r.cfg.depth, 8*sc.Ops()+4)
	}
	return sched.RandomWalk(src)
}

// draw draws a scenario within b.
func (r *runner[T, I, O]) draw(rt *rapid.T, b bounds) Scenario[I] {
	var sc Scenario[I]
	n := rapid.IntRange(min(2, b.Threads), b.Threads).Draw(rt, "threads")
	sc.Threads = make([][]I, n)
	for i := range sc.Threads {
		k := rapid.IntRange(1, b.Ops).Draw(rt, "ops")
		for range k {
			sc.Threads[i] = append(sc.Threads[i], r.spec.Ops.Draw(rt, "op"))
		}
	}
	for range rapid.IntRange(0, b.Init).Draw(rt, "init") {
		sc.Init = append(sc.Init, r.spec.Ops.Draw(rt, "op"))
	}
	for range rapid.IntRange(0, b.Post).Draw(rt, "post") {
		sc.Post = append(sc.Post, r.spec.Ops.Draw(rt, "op"))
	}
	return sc
}

// note records a failure. Only failures of the first kind found are kept:
// rapid minimizes a failure into failures of the same kind, and the last
// one it runs is the smallest.
func (r *runner[T, I, O]) note(sc Scenario[I], o outcome, mode Mode, b bounds) {
	f := &found[I]{sc: sc, o: o, mode: mode, executions: r.executions, elapsed: time.Since(r.start), bounds: b}
	if r.first == nil {
		r.first = f
	}
	if o.kind == r.first.o.kind {
		f.executions, f.elapsed = r.first.executions, r.first.elapsed
		r.last = f
	}
}

// rapidSource draws scheduling choices through rapid, so that rapid's
// shrinker reduces them too, toward 0: "keep running the current thread".
// Draws happen on the scheduler's goroutines, one at a time; a panic from
// rapid (out of data) is kept to be raised on the property's goroutine.
type rapidSource struct {
	t        *rapid.T
	panicked any
}

func (s *rapidSource) Intn(n int) (v int) {
	if s.panicked != nil {
		return 0
	}
	defer func() {
		if p := recover(); p != nil {
			s.panicked, v = p, 0
		}
	}()
	return rapid.IntRange(0, n-1).Draw(s.t, "pick")
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
