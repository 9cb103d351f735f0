package stress_test

import (
	"errors"
	"flag"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// counter is a small subject for these tests; lost selects the lost-update
// bug.
type counter struct {
	v    sched.Int64
	lost bool
}

func (c *counter) run(_ int, in model.CounterInput) model.CounterOutput {
	if in.Op == model.CounterGet {
		return model.CounterOutput{Value: c.v.Load()}
	}
	if c.lost {
		v := c.v.Load() + in.Delta
		c.v.Store(v)
		return model.CounterOutput{Value: v}
	}
	return model.CounterOutput{Value: c.v.Add(in.Delta)}
}

var addOrGet = rapid.OneOf(
	rapid.Just(model.CounterInput{Op: model.CounterAdd, Delta: 1}),
	rapid.Just(model.CounterInput{Op: model.CounterGet}),
)

func counterSpec(lost bool) stress.Spec[*counter, model.CounterInput, model.CounterOutput] {
	return stress.Spec[*counter, model.CounterInput, model.CounterOutput]{
		New:   func() *counter { return &counter{lost: lost} },
		Ops:   addOrGet,
		Run:   (*counter).run,
		Model: model.Counter(),
	}
}

func artifacts(t *testing.T) stress.Option { return stress.WithArtifacts(t.TempDir()) }

func TestBadConfiguration(t *testing.T) {
	good := counterSpec(false)
	noNew, noOps, noRun, noModel := good, good, good, good
	noNew.New, noOps.Ops, noRun.Run, noModel.Model = nil, nil, nil, nil
	badModel := good
	badModel.Model = model.Model[int, model.CounterInput, model.CounterOutput]{}
	for _, tc := range []struct {
		name string
		spec stress.Spec[*counter, model.CounterInput, model.CounterOutput]
		opts []stress.Option
		want string
	}{
		{"no New", noNew, nil, "Spec.New is nil"},
		{"no operations", noOps, nil, "no operations"},
		{"no Run", noRun, nil, "Spec.Run is nil"},
		{"nil model", noModel, nil, "Spec.Model is nil"},
		{"invalid model", badModel, nil, "Init is nil"},
		{"zero threads", good, []stress.Option{stress.WithMaxThreads(0)}, "threads must be at least 1"},
		{"zero ops", good, []stress.Option{stress.WithMaxOps(0)}, "maxops (operations per thread) must be at least 1"},
		{"zero checks", good, []stress.Option{stress.WithChecks(0)}, "checks must be at least 1"},
		{"negative duration", good, []stress.Option{stress.WithDuration(-time.Second)}, "duration must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stress.Run(t, tc.spec, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "stress: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
		})
	}
}

// TestRenamedEnvironment: a knob's former environment variable is an
// error naming the new one, not silently ignored.
func TestRenamedEnvironment(t *testing.T) {
	for old, now := range map[string]string{"STRESS_TIMEOUT": "STRESS_HANGTIMEOUT", "STRESS_OPS": "STRESS_MAXOPS", "STRESS_THREADS": "STRESS_MAXTHREADS", "STRESS_INIT": "STRESS_MAXINIT", "STRESS_POST": "STRESS_MAXPOST"} {
		t.Run(old, func(t *testing.T) {
			t.Setenv(old, "1")
			_, err := stress.Run(t, counterSpec(false))
			if err == nil || !strings.Contains(err.Error(), now) {
				t.Fatalf("error %v, want one naming %s", err, now)
			}
		})
	}
}

func TestEnvironmentOverridesOptions(t *testing.T) {
	t.Setenv("STRESS_MAXTHREADS", "zero")
	_, err := stress.Run(t, counterSpec(false))
	if err == nil || !strings.Contains(err.Error(), "STRESS_MAXTHREADS") {
		t.Fatalf("error %v, want one naming STRESS_MAXTHREADS", err)
	}
	t.Setenv("STRESS_MAXTHREADS", "0")
	_, err = stress.Run(t, counterSpec(false), stress.WithMaxThreads(2))
	if err == nil || !strings.Contains(err.Error(), "threads must be at least 1") {
		t.Fatalf("STRESS_MAXTHREADS=0 did not override WithMaxThreads(2): %v", err)
	}
}

func TestCorrectPassesAndRuns(t *testing.T) {
	for _, mode := range []stress.Mode{stress.Stress, stress.Controlled} {
		t.Run(mode.String(), func(t *testing.T) {
			res, err := stress.Run(t, counterSpec(false), stress.WithMode(mode), stress.WithSeed(3), stress.WithChecks(50), stress.WithRuns(20), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.Failure != nil {
				t.Fatalf("correct counter failed:\n%s", res.Failure.Report())
			}
			if res.Scenarios < 50 || res.Executions < 50 {
				t.Fatalf("ran %d scenarios and %d executions, want at least 50 of each", res.Scenarios, res.Executions)
			}
		})
	}
}

// TestLostUpdateMinimal: the shrunk failure is two threads with one
// increment each and one context switch.
func TestLostUpdateMinimal(t *testing.T) {
	res, err := stress.Run(t, counterSpec(true), stress.WithMode(stress.Controlled), stress.WithSeed(5), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil {
		t.Fatal("lost update not found")
	}
	if f.Kind != stress.Violation || f.Threads != 2 || f.Size != 2 || f.Preemptions != 1 || strings.Count(f.Scenario, "Add(1)") != 2 {
		t.Fatalf("got %v, %d threads, %d ops, %d switches; want a violation with 2 threads, one Add each, 1 switch:\n%s", f.Kind, f.Threads, f.Size, f.Preemptions, f.Report())
	}
}

// blocker is a subject whose operations misbehave on demand.
type blocker struct {
	release chan struct{}
	m       sched.Mutex
	inside  atomic.Int32
}

// overlapped reports whether another operation is running at the same
// time: never under controlled scheduling here (the operations have no
// scheduling point inside), often with real goroutines. It makes a bug
// that only stress mode can see.
func (b *blocker) overlapped() bool {
	defer b.inside.Add(-1)
	if b.inside.Add(1) > 1 {
		return true
	}
	for range 1000 {
		if b.inside.Load() > 1 {
			return true
		}
		runtime.Gosched()
	}
	return false
}

func blockerSpec(run func(*blocker, int, model.CounterInput) model.CounterOutput, release chan struct{}) stress.Spec[*blocker, model.CounterInput, model.CounterOutput] {
	return stress.Spec[*blocker, model.CounterInput, model.CounterOutput]{
		New:   func() *blocker { return &blocker{release: release} },
		Ops:   rapid.Just(model.CounterInput{Op: model.CounterGet}),
		Run:   run,
		Model: model.Counter(),
	}
}

func TestFailureKinds(t *testing.T) {
	// release is never closed: the goroutines of a hang (and of the
	// smaller hangs its minimization runs) stay blocked for good. Woken
	// at the end of this test, they would finish their operations during
	// a later test's controlled run, which would see a goroutine it does
	// not manage.
	release := make(chan struct{})
	for _, tc := range []struct {
		name string
		mode stress.Mode
		run  func(*blocker, int, model.CounterInput) model.CounterOutput
		want stress.Kind
		says string
	}{
		{"panic", stress.Stress, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			if b.overlapped() {
				panic("boom")
			}
			return model.CounterOutput{}
		}, stress.Panic, "boom"},
		{"panic controlled", stress.Controlled, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			b.m.Lock()
			panic("boom")
		}, stress.Panic, "boom"},
		{"hang", stress.Stress, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			if b.overlapped() {
				<-b.release
			}
			return model.CounterOutput{}
		}, stress.Hang, "TestFailureKinds"},
		{"hang controlled", stress.Controlled, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			b.m.Lock()
			<-b.release
			return model.CounterOutput{}
		}, stress.Hang, "stuck outside the scheduler's sight"},
		{"deadlock controlled", stress.Controlled, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			b.m.Lock() // never unlocked: the other thread waits forever
			return model.CounterOutput{}
		}, stress.Deadlock, "waits for mutex b.m"},
		{"leak", stress.Stress, func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
			if b.overlapped() {
				go func() { <-b.release }()
			}
			return model.CounterOutput{}
		}, stress.Leak, "TestFailureKinds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A short watchdog for the hangs; the default for the rest,
			// so that a slow machine cannot turn them into hangs.
			opts := []stress.Option{stress.WithMode(tc.mode), stress.WithSeed(1), stress.WithChecks(5), stress.WithRuns(5), stress.WithShrinkTime(5 * time.Second), artifacts(t)}
			if tc.want == stress.Hang {
				opts = append(opts, stress.WithHangTimeout(300*time.Millisecond))
			}
			res, err := stress.Run(t, blockerSpec(tc.run, release), opts...)
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failure
			if f == nil {
				t.Fatalf("no failure, want a %v", tc.want)
			}
			if f.Kind != tc.want || f.Mode != tc.mode || !strings.Contains(f.Report(), tc.says) {
				t.Fatalf("got a %v in %v mode, want a %v in %v mode saying %q:\n%s", f.Kind, f.Mode, tc.want, tc.mode, tc.says, f.Report())
			}
			if !strings.Contains(f.Command, "go test") {
				t.Errorf("no replay command in %q", f.Command)
			}
			// Every kind is minimized: two threads with one operation each
			// are enough for all of these, and one operation for the
			// controlled hang, which needs no second thread.
			if f.Size > 2 || tc.name == "hang controlled" && f.Size != 1 {
				t.Errorf("not minimized: %d threads, %d operations:\n%s", f.Threads, f.Size, f.Report())
			}
			if strings.Contains(f.Detail, " at )") {
				t.Errorf("a location is empty:\n%s", f.Detail)
			}
			if tc.want == stress.Deadlock && !regexp.MustCompile(`(?m)\(last: Lock.* b\.m at \S+:\d+\)$`).MatchString(f.Detail) {
				t.Errorf("the deadlock does not say where each thread last was:\n%s", f.Detail)
			}
		})
	}
}

func TestFakeTimeDeadlock(t *testing.T) {
	spec := blockerSpec(func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
		select {} // in a bubble, synctest sees this can never end
	}, nil)
	spec.FakeTime = true
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithChecks(2), stress.WithRuns(1), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Deadlock {
		t.Fatalf("want a deadlock, got %v", f)
	}
}

// flaky makes its choices with math/rand, which the scheduler does not
// see: replaying a schedule does not replay the execution.
type flaky struct{ a, b sched.Int64 }

func (f *flaky) run(_ int, in model.CounterInput) model.CounterOutput {
	x := &f.a
	if rand.IntN(2) == 0 {
		x = &f.b
	}
	v := x.Load() + 1
	x.Store(v)
	return model.CounterOutput{Value: f.a.Load() + f.b.Load()}
}

func TestNondeterminismIsReported(t *testing.T) {
	spec := stress.Spec[*flaky, model.CounterInput, model.CounterOutput]{
		New:   func() *flaky { return new(flaky) },
		Ops:   rapid.Just(model.CounterInput{Op: model.CounterAdd, Delta: 1}),
		Run:   (*flaky).run,
		Model: model.Counter(),
	}
	// The determinism check replays the schedule once; math/rand makes it
	// diverge half the time or more, so look over a few failures.
	for seed := uint64(1); seed <= 20; seed++ {
		res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(seed), artifacts(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Failure != nil && strings.Contains(res.Failure.Note, "did not reproduce the same events") {
			return
		}
	}
	t.Fatal("no report said that replaying the schedule diverged")
}

func TestExhaustFindsFewestSwitches(t *testing.T) {
	add := model.CounterInput{Op: model.CounterAdd, Delta: 1}
	sc := stress.Scenario[model.CounterInput]{Threads: [][]model.CounterInput{{add}, {add}}}
	f, err := stress.Exhaust(t, counterSpec(true), sc, 2, artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Preemptions != 1 {
		t.Fatalf("want a failure with 1 preemption, got %v", f)
	}
	f, err = stress.Exhaust(t, counterSpec(false), sc, 2, artifacts(t))
	if err != nil || f != nil {
		t.Fatalf("correct counter: failure %v, error %v", f, err)
	}
	if _, err := stress.Exhaust(t, counterSpec(false), stress.Scenario[model.CounterInput]{}, 1); err == nil || !strings.Contains(err.Error(), "stress: the scenario has no threads") {
		t.Fatalf("an empty scenario must be an error saying it has no threads, got %v", err)
	}
}

// TestFakeTimeHang: a goroutine waiting for a sync.Mutex is not durably
// blocked, so a bubble waiting on one stalls instead of reporting a
// deadlock; the real-time watchdog reports it as a hang.
func TestFakeTimeHang(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	spec := blockerSpec(func(b *blocker, _ int, _ model.CounterInput) model.CounterOutput {
		mu.Lock() // never unlocked
		return model.CounterOutput{}
	}, nil)
	spec.FakeTime = true
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithChecks(2), stress.WithRuns(1), stress.WithHangTimeout(300*time.Millisecond), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Hang || !strings.Contains(f.Detail, "sync.(*Mutex).Lock") {
		t.Fatalf("want a hang showing the goroutine stuck in sync.Mutex.Lock, got %v", f)
	}
}

// TestSpecPanics: a panic in New, or in the model, is reported as a
// failure, not a crash of the test binary.
func TestSpecPanics(t *testing.T) {
	badNew := counterSpec(false)
	badNew.New = func() *counter { panic("no counter today") }
	badModel := counterSpec(false)
	m := model.Counter()
	apply := m.Apply
	m.Apply = func(s int64, in model.CounterInput) (int64, model.CounterOutput) {
		if s > 0 {
			panic("model bug")
		}
		return apply(s, in)
	}
	badModel.Model = m
	badCheck := counterSpec(false)
	badCheck.Check = func(h []stress.Operation[model.CounterInput, model.CounterOutput]) error {
		for _, op := range h {
			if op.Output.Value > 1 {
				panic("check bug")
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name     string
		spec     stress.Spec[*counter, model.CounterInput, model.CounterOutput]
		says     string
		headline string
		ops      int // the operations a minimal scenario needs
	}{
		{"New", badNew, "no counter today", "the spec's New panicked", 2},
		{"model", badModel, "model bug", "the spec's model panicked", 2},
		{"Check", badCheck, "check bug", "the spec's Check panicked", 2},
	} {
		for _, mode := range []stress.Mode{stress.Stress, stress.Controlled} {
			t.Run(tc.name+"/"+mode.String(), func(t *testing.T) {
				res, err := stress.Run(t, tc.spec, stress.WithMode(mode), stress.WithChecks(20), stress.WithRuns(5), stress.WithSeed(2), artifacts(t))
				if err != nil {
					t.Fatal(err)
				}
				f := res.Failure
				if f == nil || f.Kind != stress.Panic || !strings.Contains(f.Report(), tc.says) {
					t.Fatalf("want a panic saying %q, got %v", tc.says, f)
				}
				if head := strings.SplitN(f.Report(), "\n", 3)[1]; !strings.HasPrefix(head, tc.headline) {
					t.Errorf("headline %q, want %q", head, tc.headline)
				}
				if f.Size > tc.ops {
					t.Errorf("not minimized: %d operations, want at most %d:\n%s", f.Size, tc.ops, f.Report())
				}
			})
		}
	}
}

// TestGeneratorPanic: a panic in the spec's generator is an error, not a
// pass.
func TestGeneratorPanic(t *testing.T) {
	spec := counterSpec(false)
	spec.Ops = rapid.Custom(func(t *rapid.T) model.CounterInput {
		if rapid.IntRange(0, 3).Draw(t, "x") == 3 {
			panic("generator bug")
		}
		return model.CounterInput{Op: model.CounterGet}
	})
	_, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithChecks(50), stress.WithSeed(1), artifacts(t))
	if err == nil || !strings.Contains(err.Error(), "generator bug") {
		t.Fatalf("error %v, want one showing the generator's panic", err)
	}
}

// TestGeneratorDrawsNothing: a rapid.Custom generator that draws nothing
// panics in rapid; in Auto mode the probe meets it first, and the error
// says it is the spec's generator, not a panic of the type under test.
func TestGeneratorDrawsNothing(t *testing.T) {
	spec := counterSpec(false)
	spec.Ops = rapid.Custom(func(*rapid.T) model.CounterInput { return model.CounterInput{Op: model.CounterGet} })
	res, err := stress.Run(t, spec, stress.WithSeed(1), artifacts(t))
	if err == nil || !strings.Contains(err.Error(), "Ops generator panicked") || res.Failure != nil {
		t.Fatalf("error %v, failure %v; want an error saying the spec's Ops generator panicked", err, res.Failure)
	}
}

// short turns -short on for the rest of the test, as `go test -short`
// would.
func short(t *testing.T) {
	f := flag.Lookup("test.short")
	old := f.Value.String()
	if err := f.Value.Set("true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// TestShortMeansFewer: under -short a run still runs what it was asked
// to (rapid's own division by 5 used to turn WithChecks(2) into nothing).
func TestShortMeansFewer(t *testing.T) {
	short(t)
	for _, mode := range []stress.Mode{stress.Stress, stress.Controlled} {
		t.Run(mode.String(), func(t *testing.T) {
			res, err := stress.Run(t, counterSpec(false), stress.WithMode(mode), stress.WithSeed(3), stress.WithChecks(2), stress.WithRuns(3), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.Scenarios < 2 || res.Executions < 2 {
				t.Fatalf("under -short, WithChecks(2) ran %d scenarios and %d executions, want at least 2 of each", res.Scenarios, res.Executions)
			}
		})
	}
}

// TestNothingRanIsAnError: a spec whose generator rejects every draw runs
// nothing; that must be an error saying so, not a pass, and one that
// errors.Is matches with ErrNothingRan, also when the search ran in a
// child process (stress mode).
func TestNothingRanIsAnError(t *testing.T) {
	for _, mode := range []stress.Mode{stress.Controlled, stress.Stress} {
		t.Run(mode.String(), func(t *testing.T) {
			spec := counterSpec(false)
			spec.Ops = rapid.Just(model.CounterInput{Op: model.CounterGet}).Filter(func(model.CounterInput) bool { return false })
			_, err := stress.Run(t, spec, stress.WithMode(mode), stress.WithChecks(5), stress.WithSeed(1), artifacts(t))
			if !errors.Is(err, stress.ErrNothingRan) || !strings.Contains(err.Error(), "rejected every draw") {
				t.Fatalf("error %v, want ErrNothingRan saying the generator rejected every draw", err)
			}
		})
	}
}

// TestStressShrinksPlainCode: a failure of code that does not use package
// sched, which only stress mode can run, is minimized by deleting
// operations, the Spec's Finally included, each candidate run again in
// stress mode; what is left is the two overlapping calls the bug needs.
func TestStressShrinksPlainCode(t *testing.T) {
	spec := blockerSpec(func(b *blocker, _ int, in model.CounterInput) model.CounterOutput {
		if b.overlapped() {
			return model.CounterOutput{Value: 1} // Get of a counter never added to
		}
		return model.CounterOutput{}
	}, nil)
	for range 16 {
		spec.Finally = append(spec.Finally, model.CounterInput{Op: model.CounterGet})
	}
	for _, mode := range []stress.Mode{stress.Auto, stress.Stress} {
		t.Run(mode.String(), func(t *testing.T) {
			res, err := stress.Run(t, spec, stress.WithMode(mode), stress.WithSeed(7), stress.WithMaxOps(6), stress.WithRuns(50), stress.WithShrinkTime(5*time.Second), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failure
			if f == nil || f.Kind != stress.Violation {
				t.Fatalf("want a violation, got %v", f)
			}
			if f.Threads != 2 || f.Size != 2 || strings.Contains(f.Scenario, "finally") || strings.Count(f.Table, "Get()") != 2 {
				t.Fatalf("not minimal: want 2 threads with one Get each and no Finally:\n%s", f.Report())
			}
			// The replay file keeps what minimization kept, Finally
			// included. (A stress replay is best effort: if the overlap
			// does not recur, the test is skipped, not passed.)
			again, err := stress.Run(t, spec, stress.WithReplay(f.ReplayFile), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			if g := again.Failure; g == nil || g.Scenario != f.Scenario {
				t.Fatalf("the replay shows another scenario:\n%v\nwant:\n%s", g, f.Scenario)
			}
		})
	}
}

// TestUndecided: a history the checker cannot decide within
// WithCheckTime is an Undecided failure, never a pass. The model's Apply
// is slow, so that even the smallest history outlasts the budget; rapid
// and minimization keep the kind.
func TestUndecided(t *testing.T) {
	spec := counterSpec(false)
	slow := model.Counter()
	apply := slow.Apply
	slow.Apply = func(s int64, in model.CounterInput) (int64, model.CounterOutput) {
		time.Sleep(5 * time.Millisecond)
		return apply(s, in)
	}
	spec.Model = slow
	res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithCheckTime(time.Microsecond),
		stress.WithSeed(1), stress.WithChecks(3), stress.WithMaxThreads(2), stress.WithMaxOps(2), stress.WithShrinkTime(time.Second), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Undecided || !strings.Contains(f.Report(), "gave up after 1µs") {
		t.Fatalf("got %v, want an undecided history", f)
	}
	// With the default budget the same spec passes: the kind came from
	// the budget, not from the history.
	res, err = stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(1), stress.WithChecks(3), stress.WithMaxThreads(2), stress.WithMaxOps(2), artifacts(t))
	if err != nil || res.Failure != nil {
		t.Fatalf("with the default check time: %v, %v", res.Failure, err)
	}
}

// spinner's Wait spins until Set has run: a livelock when no thread
// calls Set.
type spinner struct{ flag sched.Int64 }

func (s *spinner) run(_ int, in model.CounterInput) model.CounterOutput {
	if in.Op == model.CounterAdd {
		s.flag.Store(1)
		return model.CounterOutput{Value: 1}
	}
	for s.flag.Load() == 0 {
	}
	return model.CounterOutput{}
}

// TestStepLimit: a controlled execution that spins past WithMaxSteps is a
// StepLimit failure, reported, minimized to the spinning operation alone
// and replayable; a scenario in which the flag is set first passes.
func TestStepLimit(t *testing.T) {
	spec := stress.Spec[*spinner, model.CounterInput, model.CounterOutput]{
		New: func() *spinner { return new(spinner) },
		Ops: rapid.Just(model.CounterInput{Op: model.CounterGet}),
		Run: (*spinner).run,
		Model: model.Model[int, model.CounterInput, model.CounterOutput]{
			Init:  func() int { return 0 },
			Apply: func(s int, in model.CounterInput) (int, model.CounterOutput) { return s, model.CounterOutput{} },
		},
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithMaxSteps(500), stress.WithSeed(1), stress.WithChecks(5), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.Kind != stress.StepLimit || f.Size != 1 || !strings.Contains(f.Detail, "within 500 scheduling points") || !strings.Contains(f.Table, "more times, to step") {
		t.Fatalf("got %v, want a step limit with one operation", f)
	}
	if testing.Verbose() {
		t.Log(f.Report())
	}
	again, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithMaxSteps(500), stress.WithReplay(f.ReplayFile), artifacts(t))
	if err != nil || again.Failure == nil || again.Failure.Kind != stress.StepLimit {
		t.Fatalf("replay: %v, %v", again.Failure, err)
	}
}
