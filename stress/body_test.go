package stress_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/internal/race"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// checkFails runs body and returns the failure it must find.
func checkFails(t *testing.T, body func(*stress.T), want stress.Kind, opts ...stress.Option) *stress.Failure {
	t.Helper()
	res, err := stress.CheckRun(t, body, append([]stress.Option{stress.WithSeed(1), stress.WithArtifacts(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure == nil {
		t.Fatalf("no failure found in %d executions, want a %v", res.Executions, want)
	}
	if res.Failure.Kind != want {
		t.Fatalf("found a %v, want a %v:\n%s", res.Failure.Kind, want, res.Failure.Report())
	}
	return res.Failure
}

func mustContain(t *testing.T, f *stress.Failure, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(f.Report(), s) {
			t.Fatalf("the report does not say %q:\n%s", s, f.Report())
		}
	}
}

func skipControlledUnderRace(t *testing.T) {
	if race.Enabled {
		t.Skip("controlled runs order every step: the race detector sees nothing in them")
	}
}

// TestCheckFatalFromGoroutine checks that t.Fatal from a goroutine the
// body started fails the execution, names its line, ends only that
// goroutine and does not crash, in both modes.
func TestCheckFatalFromGoroutine(t *testing.T) {
	t.Run("stress", func(t *testing.T) {
		f := checkFails(t, func(t *stress.T) {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.Fatalf("worker gave up")
				panic("not reached: Fatalf ends the goroutine")
			}()
			wg.Wait()
		}, stress.TestFailed, stress.WithMode(stress.Stress), stress.WithSubprocess(false))
		mustContain(t, f, "body_test.go:55: worker gave up")
	})
	t.Run("controlled", func(t *testing.T) {
		skipControlledUnderRace(t)
		f := checkFails(t, func(t *stress.T) {
			var wg sched.WaitGroup
			wg.Add(1)
			sched.Go(func() {
				defer wg.Done()
				t.Fatal("worker gave up")
			})
			wg.Wait()
		}, stress.TestFailed, stress.WithMode(stress.Controlled))
		mustContain(t, f, "body_test.go:69: worker gave up", "interleaving (controlled")
	})
}

// TestCheckHelperLine checks that a failure in a helper names the line
// that called the helper, as package testing does.
func TestCheckHelperLine(t *testing.T) {
	expect := func(t *stress.T, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("got %d, want %d", got, want)
		}
	}
	f := checkFails(t, func(t *stress.T) {
		t.Log("about to compare")
		expect(t, 1, 2)
	}, stress.TestFailed, stress.WithMode(stress.Stress), stress.WithSubprocess(false), stress.WithRuns(1), stress.WithChecks(1))
	mustContain(t, f, "body_test.go:87: about to compare\n", "body_test.go:88: got 1, want 2")
}

// TestCheckPanicInGoroutine checks that a panic in a plain goroutine
// the body started, which ends the process, is reported from the child
// process, and one in a sched.Go goroutine under controlled scheduling.
func TestCheckPanicInGoroutine(t *testing.T) {
	t.Run("stress", func(t *testing.T) {
		f := checkFails(t, func(t *stress.T) {
			done := make(chan bool)
			go func() {
				defer close(done)
				panic("boom in a goroutine")
			}()
			<-done
		}, stress.Panic, stress.WithMode(stress.Stress))
		mustContain(t, f, "boom in a goroutine", "the test body panicked")
	})
	t.Run("controlled", func(t *testing.T) {
		skipControlledUnderRace(t)
		f := checkFails(t, func(t *stress.T) {
			sched.Go(func() { panic("boom in a goroutine") })
		}, stress.Panic, stress.WithMode(stress.Controlled))
		mustContain(t, f, "boom in a goroutine", "the test body panicked")
	})
}

// TestCheckHang checks that a body blocked on what no check can see
// through (a sync.Mutex locked twice) ends as a hang, reported with the
// stacks, from the child process.
func TestCheckHang(t *testing.T) {
	f := checkFails(t, func(t *stress.T) {
		var mu sync.Mutex
		mu.Lock()
		mu.Lock()
	}, stress.Hang, stress.WithMode(stress.Stress), stress.WithHangTimeout(300*time.Millisecond))
	mustContain(t, f, "stress_test.TestCheckHang.func1")
}

// TestCheckFakeTime checks that WithFakeTime makes timeouts free and
// reports a body whose goroutines all block on channels as a deadlock at
// once, while a body that waits on a timer passes.
func TestCheckFakeTime(t *testing.T) {
	f := checkFails(t, func(t *stress.T) {
		ch := make(chan int)
		go func() { ch <- 1 }()
		<-ch
		<-ch // nobody sends twice
	}, stress.Deadlock, stress.WithFakeTime(), stress.WithSubprocess(false))
	mustContain(t, f, "TestCheckFakeTime.func1")

	res, err := stress.CheckRun(t, func(t *stress.T) {
		select {
		case <-time.After(time.Hour):
		case <-t.Context().Done():
			t.Error("the context ended before the body")
		}
	}, stress.WithFakeTime(), stress.WithSeed(1), stress.WithChecks(5), stress.WithRuns(5), stress.WithSubprocess(false))
	if err != nil || res.Failure != nil || res.Executions != 25 {
		t.Fatalf("a body that sleeps an hour of fake time: %v, %v executions, %v", err, res.Executions, res.Failure)
	}
}

// TestCheckDataRace checks that a data race in a body is found under
// -race.
func TestCheckDataRace(t *testing.T) {
	if !race.Enabled {
		t.Skip("needs -race")
	}
	checkFails(t, func(t *stress.T) {
		n := 0
		done := make(chan bool)
		go func() { n++; close(done) }()
		n++
		<-done
	}, stress.DataRace, stress.WithMode(stress.Stress))
}

// publishEarly is a double-checked init on package sched that sets its
// flag before its value when early, which is a data race on the value:
// no scheduling point comes between the two, so only the race detector,
// with goroutines running free, can see it. Set last, it is correct.
func publishEarly(early bool) func(*stress.T) {
	return func(t *stress.T) {
		var mu sched.Mutex
		var ready sched.Bool
		var val *int
		get := func() int {
			if !ready.Load() {
				mu.Lock()
				if !ready.Load() {
					v := 42
					if early {
						ready.Store(true)
						val = &v
					} else {
						val = &v
						ready.Store(true)
					}
				}
				mu.Unlock()
			}
			return *val
		}
		var wg sched.WaitGroup
		for range 2 {
			wg.Go(func() { get() })
		}
		wg.Wait()
	}
}

// TestCheckRaceAfterControlled: under -race, a body on package sched
// that passes its controlled search runs in stress mode too, where the
// race detector sees the race the scheduler's ordering hides; the
// correct twin passes both.
func TestCheckRaceAfterControlled(t *testing.T) {
	if !race.Enabled {
		t.Skip("needs -race")
	}
	f := checkFails(t, publishEarly(true), stress.DataRace, stress.WithChecks(20), stress.WithRuns(100))
	if f.Mode != stress.Stress {
		t.Errorf("found in %v mode, want stress", f.Mode)
	}
	res, err := stress.CheckRun(t, publishEarly(false), stress.WithSeed(1), stress.WithChecks(20), stress.WithRuns(100), stress.WithArtifacts(t.TempDir()))
	if err != nil || res.Failure != nil {
		t.Fatalf("the correct twin failed: %v\n%v", err, res.Failure)
	}
}

// TestCheckReplay checks that a controlled failure of a body replays
// exactly from its replay file, and that scenario knobs do not apply.
func TestCheckReplay(t *testing.T) {
	skipControlledUnderRace(t)
	body := func(t *stress.T) {
		var a, b sched.Mutex
		var wg sched.WaitGroup
		wg.Add(2)
		sched.Go(func() { defer wg.Done(); a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		sched.Go(func() { defer wg.Done(); b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
		wg.Wait()
	}
	f := checkFails(t, body, stress.Deadlock, stress.WithMaxThreads(3), stress.WithMaxOps(4))
	if f.Mode != stress.Controlled || f.Threads != 1 || f.Size != 1 || f.Preemptions != 1 || f.ReplayFile == "" {
		t.Fatalf("want a controlled deadlock of one body and 1 context switch, with a replay file:\n%s", f.Report())
	}
	mustContain(t, f, "goroutine g2: waits for mutex", "started at stress_test.TestCheckReplay.func1:")
	again, err := stress.CheckRun(t, body, stress.WithReplay(f.ReplayFile), stress.WithArtifacts(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if again.Failure == nil || again.Failure.Kind != stress.Deadlock || again.Failure.Table != f.Table {
		t.Fatalf("the replay did not give the same deadlock:\n%v", again.Failure)
	}
}

// TestCheckCorrectBody checks that a correct body passes in both modes,
// running its cleanups after its context ends.
func TestCheckCorrectBody(t *testing.T) {
	body := func(t *stress.T) {
		var wg sched.WaitGroup
		var mu sched.Mutex
		n := 0
		for range 3 {
			wg.Add(1)
			sched.Go(func() {
				defer wg.Done()
				mu.Lock()
				n++
				mu.Unlock()
			})
		}
		wg.Wait()
		t.Cleanup(func() {
			if t.Context().Err() == nil {
				panic("the context is still live in Cleanup")
			}
		})
		if n != 3 {
			t.Errorf("n = %d, want 3", n)
		}
	}
	for _, mode := range []stress.Mode{stress.Stress, stress.Controlled} {
		t.Run(mode.String(), func(t *testing.T) {
			if mode == stress.Controlled {
				skipControlledUnderRace(t)
			}
			res, err := stress.CheckRun(t, body, stress.WithMode(mode), stress.WithSeed(1), stress.WithChecks(200), stress.WithRuns(10), stress.WithSubprocess(false))
			if err != nil || res.Failure != nil || res.Executions < 200 {
				t.Fatalf("%v, %d executions, %v", err, res.Executions, res.Failure)
			}
		})
	}
}
