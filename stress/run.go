package stress

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// Test runs spec and fails t with a report if it finds a bug: a
// linearizability violation, a failed property, a panic (in a goroutine
// the type started too), a deadlock, a hang, a leaked goroutine or, under
// -race, a data race. The report shows the smallest scenario and
// interleaving found and the command that replays it.
//
// In stress and auto modes the search runs in a child process, this test
// binary run again for just this test, so that a crash (a panic in a
// goroutine of the type, a fatal error of the runtime, a race under
// -race) is reported rather than ending the test binary. The child runs
// the test function from its start; calls of Test and Run before this one
// return there what they returned here. Starting it costs a few
// milliseconds (about 30 under -race); WithSubprocess(false) searches in
// this process. In controlled mode under plain go test, a type that does
// not use package sched (plain sync/atomic, sync, channels) is searched
// in a child process too: this package's test binary built by interleave
// test, once per process (WithReexec).
//
// In a parallel test (t.Parallel), Test runs stress mode only: leak
// checks count only the goroutines of each execution, but controlled
// scheduling and GOMAXPROCS are process-wide, so WithMode(Controlled) is
// an error there and Auto does not use controlled mode.
func Test[T, I, O any](t testing.TB, spec Spec[T, I, O], opts ...Option) {
	t.Helper()
	res, err := Run(t, spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure != nil {
		t.Fatal(res.Failure.Report())
	}
	if res.Coverage.Executions > 0 {
		t.Logf("stress: no bug in %d executions of %d scenarios (%v, seed %d); %v", res.Executions, res.Scenarios, roundTime(res.Elapsed), res.Seed, res.Coverage)
		return
	}
	t.Logf("stress: no bug in %d executions of %d scenarios (%v, seed %d)", res.Executions, res.Scenarios, roundTime(res.Elapsed), res.Seed)
}

// Summary is what Run did: the failure it found, if any, and how much it
// ran.
type Summary struct {
	// Failure is the bug found, minimized, or nil.
	Failure *Failure
	// Executions and Scenarios count what was run, every phase and
	// minimization included (when a child process crashed, its crashing
	// scenario counts as one execution: the runs of it before the crash
	// are not known); Elapsed is the time it took.
	Executions, Scenarios int
	Elapsed               time.Duration
	Seed                  uint64
	// Coverage says what the controlled search covered.
	Coverage Coverage
}

// Run is Test that returns what it found instead of failing t. The error
// is about the configuration (a bad option, an incomplete spec). Use it
// to assert that a bug is caught.
func Run[T, I, O any](t testing.TB, spec Spec[T, I, O], opts ...Option) (Summary, error) {
	t.Helper()
	r, err := newRunner(t, spec, opts)
	if err != nil {
		return Summary{}, err
	}
	if inParallel(t) {
		if r.cfg.mode == Controlled {
			return Summary{}, errParallelControlled
		}
		r.parallel, r.cfg.mode = true, Stress
	}
	bubble := spec.FakeTime && r.cfg.mode != Controlled // controlled: sched's virtual clock
	if r.mayBlock() && (r.cfg.mode == Stress || bubble) {
		return Summary{}, errBlockingStress
	}
	if _, ok := t.(*testing.T); !ok && (bubble || r.cfg.replay != "") {
		return Summary{}, errNeedT
	}
	index := enterCall(t)
	res, err := r.reexec(index, opts, func() (Summary, error) {
		var f *Failure
		var err error
		switch {
		case r.cfg.replay != "":
			f, err = r.replayFrom(r.cfg.replay)
		case r.cfg.mode == Controlled && spec.FakeTime && !r.virtualTime():
			if r.err == nil {
				err = errFakeTimeControlled
			}
		default:
			f = r.run()
		}
		if err == nil {
			err = r.err
		}
		if err == nil && f == nil && r.total == 0 && !t.Skipped() {
			err = ErrNothingRan
		}
		return Summary{Failure: f, Executions: r.total, Scenarios: r.scenarios, Elapsed: time.Since(r.began), Seed: r.cfg.seed, Coverage: r.cover.summary(r.cfg, r.perOp)}, err
	})
	leaveCall(t, index, res, err)
	return res, err
}

// virtualTime reports whether the spec's type runs on package sched, by
// one probing execution, as auto mode does (a failure it finds is the
// search's to minimize). Controlled mode runs a FakeTime spec on the
// scheduler's virtual clock: instrumented code's time calls (interleave
// test) read it, and no synctest bubble is needed. Code that does not go
// through sched would sleep for real, and test nothing.
func (r *runner[T, I, O]) virtualTime() bool {
	ok, _ := r.instrumented()
	return ok && r.err == nil
}

// Errors of Run that callers may match with errors.Is.
var (
	// ErrNothingRan: no execution ran (a generator that rejects every
	// draw, say), so nothing was tested. Never a pass.
	ErrNothingRan = errors.New("stress: no execution ran, so nothing was tested")
	// ErrNotInstrumented: controlled mode saw no operation of package
	// sched, so every schedule was the same.
	ErrNotInstrumented = errors.New("stress: controlled mode saw no operation of package sched: the type does not use its primitives, so every schedule is the same and nothing was tested; use stress mode, or build the type on sched.Int64, sched.Pointer, sched.Mutex, ...")
)

var (
	errFakeTimeControlled = fmt.Errorf("%w; controlled mode runs a FakeTime spec on package sched's virtual clock, which only instrumented code reads (time calls the scheduler does not see would wait for real): run the test with interleave test, or use stress mode", ErrNotInstrumented)
	errNoThreads          = errors.New("stress: the scenario has no threads")
	errParallelControlled = errors.New("stress: controlled mode cannot run in a parallel test: the scheduler and GOMAXPROCS are process-wide, and other tests' goroutines would use the instrumented values; drop t.Parallel, or use WithMode(stress.Stress)")
	errBlockingStress     = errors.New("stress: the model says when operations block (Blocks), which only controlled mode can check: stress mode cannot tell an operation blocked for good from a slow one; build the type on package sched and use auto or controlled mode, or drop Blocks")
	errNeedT              = errors.New("stress: a FakeTime spec, or a replay, needs a *testing.T (testing/synctest and subtests do)")
)
