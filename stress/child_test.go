package stress_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/internal/race"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// spawner is a correct counter whose Add starts a goroutine (with start:
// a go statement or sched.Go) that panics when the delta is 3.
type spawner struct {
	v     sched.Int64
	start func(func())
}

func (s *spawner) run(_ int, in model.CounterInput) model.CounterOutput {
	if in.Op == model.CounterGet {
		return model.CounterOutput{Value: s.v.Load()}
	}
	s.start(func() {
		if in.Delta == 3 {
			panic("spawned goroutine says boom")
		}
	})
	return model.CounterOutput{Value: s.v.Add(in.Delta)}
}

func goStatement(f func()) { go f() }

func spawnerSpec(start func(func())) stress.Spec[*spawner, model.CounterInput, model.CounterOutput] {
	return stress.Spec[*spawner, model.CounterInput, model.CounterOutput]{
		New: func() *spawner { return &spawner{start: start} },
		Ops: rapid.OneOf(
			rapid.Map(rapid.Int64Range(1, 3), func(d int64) model.CounterInput {
				return model.CounterInput{Op: model.CounterAdd, Delta: d}
			}),
			rapid.Just(model.CounterInput{Op: model.CounterGet}),
		),
		Run:   (*spawner).run,
		Model: model.Counter(),
	}
}

// TestGoroutinePanic: a panic in a goroutine the type started is a Panic
// failure showing that goroutine's stack, minimized and replayable, not
// a crashed test binary: with a go statement in stress and auto modes
// (the search runs in a child process), with sched.Go in every mode.
func TestGoroutinePanic(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(func())
		mode  stress.Mode
		// stack is a frame of the panicking goroutine's stack.
		stack string
	}{
		{"go/stress", goStatement, stress.Stress, "stress_test.(*spawner).run.func1"},
		{"go/auto", goStatement, stress.Auto, "stress_test.(*spawner).run.func1"},
		{"sched.Go/stress", sched.Go, stress.Stress, "stress_test.(*spawner).run.func1"},
		{"sched.Go/auto", sched.Go, stress.Auto, "stress_test.(*spawner).run.func1"},
		{"sched.Go/controlled", sched.Go, stress.Controlled, "stress_test.(*spawner).run.func1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if race.Enabled && tc.mode == stress.Controlled {
				t.Skip("controlled mode under -race: see the README")
			}
			res, err := stress.Run(t, spawnerSpec(tc.start), stress.WithMode(tc.mode), stress.WithSeed(1), stress.WithChecks(50), stress.WithRuns(20), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failure
			if f == nil {
				t.Fatal("no failure, want the spawned goroutine's panic")
			}
			if f.Kind != stress.Panic || !strings.Contains(f.Detail, "spawned goroutine says boom") || !strings.Contains(f.Detail, tc.stack) {
				t.Fatalf("want a panic showing the spawned goroutine's stack (%s), got:\n%s", tc.stack, f.Report())
			}
			// Only Add(3) panics: minimization keeps it and drops what
			// does not matter.
			if !strings.Contains(f.Scenario, "Add(3)") || f.Size > 2 {
				t.Errorf("scenario not minimal (want Add(3), at most 2 operations):\n%s", f.Report())
			}
			if f.ReplayFile == "" {
				t.Fatalf("no replay file:\n%s", f.Report())
			}
			again, err := stress.Run(t, spawnerSpec(tc.start), stress.WithReplay(f.ReplayFile), stress.WithMode(tc.mode), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			if g := again.Failure; g == nil || g.Kind != stress.Panic || !strings.Contains(g.Detail, "spawned goroutine says boom") {
				t.Fatalf("the replay did not show the panic: %v", g)
			}
		})
	}
}

// TestGoroutinePanicChild fails on purpose when TestGoroutinePanicOutput
// runs it in a child process; on its own it is skipped.
func TestGoroutinePanicChild(t *testing.T) {
	if os.Getenv("INTERLEAVE_PANIC_CHILD") == "" {
		t.Skip("run by TestGoroutinePanicOutput in a child process")
	}
	t.Cleanup(func() { panicChildDone.Store(true) })
	stress.Test(t, spawnerSpec(goStatement), stress.WithMode(stress.Stress), stress.WithSeed(1), stress.WithChecks(50), stress.WithRuns(20))
}

var panicChildDone atomic.Bool

// TestAfterGoroutinePanicChild runs after TestGoroutinePanicChild in the
// same child process, to show that the binary survived it.
func TestAfterGoroutinePanicChild(t *testing.T) {
	if os.Getenv("INTERLEAVE_PANIC_CHILD") == "" {
		t.Skip("run by TestGoroutinePanicOutput in a child process")
	}
	if !panicChildDone.Load() {
		t.Fatal("TestGoroutinePanicChild did not run to its end")
	}
}

// TestGoroutinePanicOutput runs a test whose type panics in a goroutine
// of its own, and the test after it, in a copy of this test binary: the
// first must fail with the report, the second must run and pass.
func TestGoroutinePanicOutput(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^(TestGoroutinePanicChild|TestAfterGoroutinePanicChild)$", "-test.v", "-test.count=1", "-stress.artifacts="+t.TempDir())
	cmd.Env = append(os.Environ(), "INTERLEAVE_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test passed; it must fail:\n%s", out)
	}
	for _, pattern := range []string{
		`(?m)^\s*(\w+\.go:\d+: )?interleave: panic in TestGoroutinePanicChild$`,
		`(?m)^\s*panic: spawned goroutine says boom`,
		`(?m)^\s*goroutine \d+ \[running\]:$`,
		`(?m)^\s*\S*stress_test\.\(\*spawner\)\.run\.func1\(\)$`,
		`(?m)^\s*minimal scenario \(1 thread, 1 operation\):$`,
		`(?m)^\s*thread 1: Add\(3\)$`,
		`(?m)^\s*replay: +go test (-\S+ )*github\.com/interleave-go/interleave/stress -run '\^TestGoroutinePanicChild\$' -v -stress\.replay=\S+\.replay$`,
		`(?m)^--- FAIL: TestGoroutinePanicChild`,
		`(?m)^--- PASS: TestAfterGoroutinePanicChild`,
	} {
		if !regexp.MustCompile(pattern).Match(out) {
			t.Errorf("output does not match %s", pattern)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out)
	}
}

// racy is a counter with no synchronization at all. Add lets other
// goroutines run between its read and its write, so that operations
// overlap even on a busy machine.
type racy struct{ v int64 }

func (c *racy) run(_ int, in model.CounterInput) model.CounterOutput {
	if in.Op == model.CounterGet {
		return model.CounterOutput{Value: c.v}
	}
	v := c.v
	runtime.Gosched()
	c.v = v + in.Delta
	return model.CounterOutput{Value: c.v}
}

// TestDataRace: under -race, a data race is a failure of its own kind
// that shows both stacks, with a replay command that carries -race.
func TestDataRace(t *testing.T) {
	if !race.Enabled {
		t.Skip("needs the race detector: go test -race")
	}
	spec := stress.Spec[*racy, model.CounterInput, model.CounterOutput]{
		New:   func() *racy { return new(racy) },
		Ops:   addOrGet,
		Run:   (*racy).run,
		Model: model.Counter(),
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithSeed(1), stress.WithChecks(20), stress.WithRuns(20), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.Kind != stress.DataRace {
		t.Fatalf("want a data race, got %v", f)
	}
	if !strings.Contains(f.Detail, "WARNING: DATA RACE") || !regexp.MustCompile(`(?s)\(\*racy\)\.run\(\).*Previous (read|write) at .*\(\*racy\)\.run\(\)`).MatchString(f.Detail) {
		t.Errorf("the report does not show both stacks:\n%s", f.Report())
	}
	// The history's logical clock orders operations that do not
	// overlap, so a race shows only when two operations do: a smaller
	// scenario may just not race in the runs minimization gives it, and
	// the size is not checked beyond the two threads a race needs.
	if f.Threads < 2 || !strings.Contains(f.Command, "go test -race ") {
		t.Errorf("want 2 threads or more and a replay command with -race:\n%s", f.Report())
	}
}

// TestFirstFailureKept: in stress mode on a type that does not use
// sched, a second search shrinks a failure with real goroutines; when it
// misses, the first failure is still reported, and the counts cover
// every phase: they equal the executions run.
func TestFirstFailureKept(t *testing.T) {
	var news atomic.Int64
	spec := stress.Spec[*racy, model.CounterInput, model.CounterOutput]{
		// Wrong on the first execution only: the second search never
		// sees the bug.
		New: func() *racy {
			c := new(racy)
			if news.Add(1) == 1 {
				c.v = 100
			}
			return c
		},
		Ops:   rapid.Just(model.CounterInput{Op: model.CounterGet}),
		Run:   (*racy).run,
		Model: model.Counter(),
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithSubprocess(false), stress.WithSeed(1), stress.WithChecks(10), stress.WithRuns(3), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.Kind != stress.Violation {
		t.Fatalf("the failure the first search found was dropped: %v", f)
	}
	if f.Executions != 1 {
		t.Errorf("found after %d executions, want 1", f.Executions)
	}
	if int64(res.Executions) != news.Load() {
		t.Errorf("Summary.Executions = %d, New was called %d times", res.Executions, news.Load())
	}
}

// TestCountsEqualExecutions: in auto mode, the probe, the searches and
// minimization are all counted.
func TestCountsEqualExecutions(t *testing.T) {
	for _, tc := range []struct {
		name string
		lost bool
		mode stress.Mode
	}{
		{"correct/auto", false, stress.Auto},
		{"correct/stress", false, stress.Stress},
		{"lost/stress", true, stress.Stress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var news atomic.Int64
			spec := counterSpec(tc.lost)
			spec.New = func() *counter {
				news.Add(1)
				return &counter{lost: tc.lost}
			}
			res, err := stress.Run(t, spec, stress.WithMode(tc.mode), stress.WithSubprocess(false), stress.WithSeed(4), stress.WithChecks(20), stress.WithRuns(5), artifacts(t))
			if err != nil {
				t.Fatal(err)
			}
			if int64(res.Executions) != news.Load() {
				t.Errorf("Summary.Executions = %d, New was called %d times", res.Executions, news.Load())
			}
			if f := res.Failure; f != nil && (f.Executions < 1 || int64(f.Executions) > news.Load()) {
				t.Errorf("found after %d executions, of %d run", f.Executions, news.Load())
			}
		})
	}
}

// TestProbeRespectsBounds: the instrumentation probe runs no more
// threads and operations than the user allows.
func TestProbeRespectsBounds(t *testing.T) {
	var most atomic.Int64
	spec := counterSpec(false)
	spec.Run = func(c *counter, thread int, in model.CounterInput) model.CounterOutput {
		most.Add(1)
		return c.run(thread, in)
	}
	spec.New = func() *counter {
		if n := most.Swap(0); n > 1 {
			panic("more than 1 operation in an execution")
		}
		return &counter{}
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Auto), stress.WithSubprocess(false), stress.WithMaxThreads(1), stress.WithMaxOps(1), stress.WithMaxInit(0), stress.WithMaxPost(0), stress.WithSeed(1), stress.WithChecks(5), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure != nil {
		t.Fatalf("an execution ran more than 1 operation:\n%s", res.Failure.Report())
	}
}

var firstCallNews atomic.Int64

// TestEarlierCallsReturnTheirResult: the child process runs the test
// from its start; a call of Run before the one it runs returns there what
// it returned in the parent, without running again.
func TestEarlierCallsReturnTheirResult(t *testing.T) {
	first := counterSpec(false)
	first.New = func() *counter {
		firstCallNews.Add(1)
		return new(counter)
	}
	res, err := stress.Run(t, first, stress.WithMode(stress.Stress), stress.WithSubprocess(false), stress.WithSeed(1), stress.WithChecks(5), stress.WithRuns(2), artifacts(t))
	if err != nil || res.Failure != nil || res.Executions == 0 {
		t.Fatalf("first call: %+v, %v", res, err)
	}
	second := counterSpec(false)
	second.New = func() *counter {
		if n := firstCallNews.Load(); n != 0 {
			panic(fmt.Sprintf("the first call ran again in the child process (%d executions)", n))
		}
		return new(counter)
	}
	res, err = stress.Run(t, second, stress.WithMode(stress.Stress), stress.WithSeed(1), stress.WithChecks(5), stress.WithRuns(2), artifacts(t))
	if err != nil || res.Failure != nil {
		t.Fatalf("second call: %v, %v", res.Failure, err)
	}
	if res.Executions == 0 {
		t.Fatal("the second call ran nothing")
	}
}

// mapper writes a plain map from every operation: two at once are a
// fatal error of the runtime ("concurrent map writes"), which no recover
// catches, or under -race a data race.
type mapper struct{ m map[int]int }

func (c *mapper) run(_ int, in model.CounterInput) model.CounterOutput {
	for i := range 1000 {
		c.m[i] = i
		runtime.Gosched()
	}
	return model.CounterOutput{Value: 0}
}

// TestFatalError: a fatal error of the runtime is reported as a panic
// with the runtime's report, not a crashed test binary.
func TestFatalError(t *testing.T) {
	spec := stress.Spec[*mapper, model.CounterInput, model.CounterOutput]{
		New:   func() *mapper { return &mapper{m: map[int]int{}} },
		Ops:   rapid.Just(model.CounterInput{Op: model.CounterGet}),
		Run:   (*mapper).run,
		Model: model.Counter(),
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithSeed(1), stress.WithChecks(20), stress.WithRuns(20), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	want, says := stress.Panic, "fatal error: concurrent map writes"
	if race.Enabled {
		want, says = stress.DataRace, "WARNING: DATA RACE"
	}
	if f := res.Failure; f == nil || f.Kind != want || !strings.Contains(f.Detail, says) || f.Threads < 2 {
		t.Fatalf("want a %v saying %q with 2 threads or more, got %v", want, says, f)
	}
}

// TestSameSubtestNames: a subtest whose name repeats another's (the
// testing package adds #01) still gets its own search in a child.
func TestSameSubtestNames(t *testing.T) {
	for i := range 2 {
		t.Run("same", func(t *testing.T) {
			res, err := stress.Run(t, counterSpec(false), stress.WithMode(stress.Stress), stress.WithSeed(uint64(i+1)), stress.WithChecks(5), stress.WithRuns(2), artifacts(t))
			if err != nil || res.Failure != nil || res.Executions == 0 || res.Seed != uint64(i+1) {
				t.Fatalf("%+v, %v", res, err)
			}
		})
	}
}
