package stress_test

import (
	"flag"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

// oneOp is a spec whose only operation is op, which must return want:
// the model cannot fail, so only the leak check can.
func oneOp(op func() int, want int) stress.Spec[struct{}, int, int] {
	return stress.Spec[struct{}, int, int]{
		New: func() struct{} { return struct{}{} },
		Ops: rapid.Just(0),
		Run: func(struct{}, int, int) int { return op() },
		Model: model.Model[struct{}, int, int]{
			Init:  func() struct{} { return struct{}{} },
			Apply: func(s struct{}, _ int) (struct{}, int) { return s, want },
		},
	}
}

// firstResponse asks three replicas and returns the first answer. The
// losers answer later into the buffered channel and end: correct.
func firstResponse() int {
	delays := []time.Duration{10 * time.Millisecond, time.Second, time.Minute}
	answers := make(chan int, len(delays))
	for i, d := range delays {
		go func() {
			time.Sleep(d)
			answers <- i
		}()
	}
	return <-answers
}

// afterThenExit leaves a goroutine that waits on time.After and ends.
func afterThenExit() int {
	go func() { <-time.After(10 * time.Minute) }()
	return 0
}

// timerThenExit leaves a goroutine that waits on a time.NewTimer and ends.
func timerThenExit() int {
	t := time.NewTimer(30 * time.Second)
	go func() { <-t.C }()
	return 0
}

// tickerThenStop leaves a goroutine that ticks ten times, then stops.
func tickerThenStop() int {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for range 10 {
			<-t.C
		}
	}()
	return 0
}

// fetchWithTimeout is the classic leak: after the timeout, nobody reads
// the unbuffered channel, and the worker blocks on its send forever.
func fetchWithTimeout() int {
	result := make(chan int)
	go func() {
		time.Sleep(2 * time.Second)
		result <- 1
	}()
	select {
	case v := <-result:
		return v
	case <-time.After(time.Second):
		return -1
	}
}

// endlessTicker leaves a goroutine that polls on a ticker forever.
func endlessTicker() int {
	go func() {
		t := time.NewTicker(time.Minute)
		for range t.C {
		}
	}()
	return 0
}

// busyTicker leaves a goroutine that polls on a fine ticker forever: an
// hour of it would take minutes of real time.
func busyTicker() int {
	go func() {
		t := time.NewTicker(10 * time.Microsecond)
		for range t.C {
		}
	}()
	return 0
}

// afterFuncBlocks leaves a time.AfterFunc callback blocked forever: its
// goroutine carries no profiler label, but it is in the bubble.
func afterFuncBlocks() int {
	never, running := make(chan struct{}), make(chan struct{})
	time.AfterFunc(time.Second, func() {
		close(running)
		<-never
	})
	<-running
	return 0
}

// TestFakeTimeLeaks: in fake time, goroutines that wait on timers are
// waited for; those that can never end are leaks, reported with their
// stacks.
func TestFakeTimeLeaks(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   func() int
		want int
		says []string // nil: correct, must pass
	}{
		{"first response wins", firstResponse, 0, nil},
		{"time.After then exit", afterThenExit, 0, nil},
		{"NewTimer then exit", timerThenExit, 0, nil},
		{"ticker stopped", tickerThenStop, 0, nil},
		{"send after timeout", fetchWithTimeout, -1, []string{"fetchWithTimeout.func1", "chan send", "1h0m0s"}},
		{"AfterFunc blocked forever", afterFuncBlocks, 0, []string{"afterFuncBlocks.func1", "chan receive"}},
		{"endless ticker", endlessTicker, 0, []string{"endlessTicker.func1", "1h0m0s", "still running"}},
		// Settling stops after a quarter of the execution timeout of
		// real time; one execution of the smallest scenario is enough.
		{"busy endless ticker", busyTicker, 0, []string{"busyTicker.func1", "still running", "real-time limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := oneOp(tc.op, tc.want)
			spec.FakeTime = true
			ignore := goleak.IgnoreCurrent()
			opts := []stress.Option{stress.WithMode(stress.Stress), stress.WithSeed(1), stress.WithChecks(5), stress.WithRuns(3), artifacts(t)}
			if strings.HasPrefix(tc.name, "busy") {
				opts = append(opts, stress.WithChecks(1), stress.WithRuns(1), stress.WithHangTimeout(4*time.Second),
					stress.WithMaxThreads(2), stress.WithMaxOps(1), stress.WithMaxInit(0), stress.WithMaxPost(0))
			}
			res, err := stress.Run(t, spec, opts...)
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failure
			if tc.says == nil {
				if f != nil {
					t.Fatalf("correct code reported:\n%s", f.Report())
				}
				if res.Executions < 5 {
					t.Fatalf("%d executions, want at least 5", res.Executions)
				}
				// Passing is not enough: the goroutines must really have
				// ended, not been overlooked.
				goleak.VerifyNone(t, ignore)
				return
			}
			if f == nil || f.Kind != stress.Leak {
				t.Fatalf("got %v, want a goroutine leak", f)
			}
			for _, s := range tc.says {
				if !strings.Contains(f.Detail, s) {
					t.Errorf("the leak report does not say %q:\n%s", s, f.Report())
				}
			}
		})
	}
}

var leftRE = regexp.MustCompile(`(?m)^(\d+) goroutines? stopped in:$`)

// parkForever blocks until release is closed.
func parkForever(release chan struct{}) { <-release }

// TestLeakReportListsOnlyTheFailingExecution: every operation leaks one
// goroutine, and rapid shrinks the failure through many leaking
// executions; the report lists the goroutines of the one it shows.
func TestLeakReportListsOnlyTheFailingExecution(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	spec := oneOp(func() int {
		go parkForever(release)
		return 0
	}, 0)
	res, err := stress.Run(t, spec, stress.WithMode(stress.Stress), stress.WithSeed(2), stress.WithChecks(5), stress.WithRuns(1), stress.WithMaxThreads(3), stress.WithMaxOps(3), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.Kind != stress.Leak {
		t.Fatalf("got %v, want a goroutine leak", f)
	}
	listed := 0
	for _, m := range leftRE.FindAllStringSubmatch(f.Detail, -1) {
		n, _ := strconv.Atoi(m[1])
		listed += n
	}
	if listed != f.Size || !strings.Contains(f.Detail, "parkForever") {
		t.Fatalf("the report lists %d goroutines; the execution shown has %d operations, each leaking one in parkForever:\n%s", listed, f.Size, f.Report())
	}
	if f.History == "" {
		t.Fatalf("the report has no history:\n%s", f.Report())
	}
}

// TestParallel: next to another parallel test that starts goroutines
// while a stress test runs in the same process, no leak is reported;
// controlled mode is refused with an error that says why. (In a child
// process the other test does not run at all, so the test searches in
// this process.)
func TestParallel(t *testing.T) {
	if p := flag.Lookup("test.parallel"); p != nil && p.Value.String() == "1" {
		t.Skip("needs two tests at once (-parallel 2 or more)")
	}
	for _, fake := range []bool{false, true} {
		t.Run("fake time "+strconv.FormatBool(fake), func(t *testing.T) {
			started := make(chan struct{}) // the stress test's first execution is under way
			up := make(chan struct{})      // the other test's goroutines run
			done := make(chan struct{})    // the stress test is over
			t.Run("stress", func(t *testing.T) {
				t.Parallel()
				defer close(done)
				var once sync.Once
				spec := oneOp(func() int { return 0 }, 0)
				spec.New = func() struct{} {
					once.Do(func() {
						close(started)
						<-up
					})
					return struct{}{}
				}
				spec.FakeTime = fake
				res, err := stress.Run(t, spec, stress.WithSeed(3), stress.WithChecks(5), stress.WithRuns(3), stress.WithSubprocess(false), artifacts(t))
				if err != nil {
					t.Fatal(err)
				}
				if res.Failure != nil {
					t.Fatalf("false alarm:\n%s", res.Failure.Report())
				}
			})
			t.Run("other", func(t *testing.T) {
				t.Parallel()
				select {
				case <-started:
				case <-done:
					t.Fatal("the stress test ended before its first execution")
				}
				for range 4 {
					go func() { <-done }()
				}
				close(up)
				<-done
			})
		})
	}
	t.Run("controlled", func(t *testing.T) {
		t.Parallel()
		_, err := stress.Run(t, counterSpec(false), stress.WithMode(stress.Controlled), artifacts(t))
		if err == nil || !strings.Contains(err.Error(), "parallel test") {
			t.Fatalf("error %v, want one saying controlled mode cannot run in a parallel test", err)
		}
	})
	t.Run("auto", func(t *testing.T) {
		t.Parallel()
		procs := runtime.GOMAXPROCS(0)
		res, err := stress.Run(t, counterSpec(true), stress.WithSeed(4), stress.WithChecks(20), artifacts(t))
		if err != nil {
			t.Fatal(err)
		}
		if f := res.Failure; f == nil || f.Mode != stress.Stress || f.Kind != stress.Violation {
			t.Fatalf("got %v, want the lost update found in stress mode", f)
		}
		if n := runtime.GOMAXPROCS(0); n != procs {
			t.Fatalf("GOMAXPROCS is %d, was %d", n, procs)
		}
	})
}

// TestControlledLeak: a goroutine that a thread of a controlled execution
// starts and leaves blocked is a leak.
func TestControlledLeak(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	spec := counterSpec(false)
	run := spec.Run
	spec.Run = func(c *counter, thread int, in model.CounterInput) model.CounterOutput {
		if in.Op == model.CounterGet {
			go parkForever(release)
		}
		return run(c, thread, in)
	}
	res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(5), stress.WithChecks(20), stress.WithMaxThreads(2), stress.WithMaxOps(1), stress.WithMaxInit(0), stress.WithMaxPost(0), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failure; f == nil || f.Kind != stress.Leak || !strings.Contains(f.Detail, "parkForever") {
		t.Fatalf("got %v, want a leak in parkForever", f)
	}
	if f := res.Failure; f.History == "" {
		t.Fatalf("the report has no history:\n%s", f.Report())
	}
}
