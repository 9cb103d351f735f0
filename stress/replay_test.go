package stress_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// TestReplayFiles checks that the replay file of a failure found each way
// replays it: in controlled mode, in stress mode and handed to controlled
// mode, and by the instrumentation probe.
func TestReplayFiles(t *testing.T) {
	panicky := blockerSpec(func(*blocker, int, model.CounterInput) model.CounterOutput { panic("boom") }, nil)
	for _, tc := range []struct {
		name    string
		run     func(t *testing.T, opts ...stress.Option) (stress.Summary, error)
		mode    stress.Mode
		foundBy stress.Mode
	}{
		{"controlled", func(t *testing.T, opts ...stress.Option) (stress.Summary, error) {
			return stress.Run(t, counterSpec(true), append(opts, stress.WithMode(stress.Controlled))...)
		}, stress.Controlled, stress.Controlled},
		{"stress handed to controlled", func(t *testing.T, opts ...stress.Option) (stress.Summary, error) {
			return stress.Run(t, counterSpec(true), append(opts, stress.WithMode(stress.Stress))...)
		}, stress.Controlled, stress.Stress},
		{"probe", func(t *testing.T, opts ...stress.Option) (stress.Summary, error) {
			return stress.Run(t, panicky, opts...)
		}, stress.Controlled, stress.Controlled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := artifacts(t)
			res, err := tc.run(t, dir, stress.WithSeed(9))
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failure
			if f == nil || f.ReplayFile == "" || !strings.Contains(f.Command, "-stress.replay="+f.ReplayFile) {
				t.Fatalf("want a failure with a replay file in its command, got %v", f)
			}
			if f.Mode != tc.mode || f.FoundBy != tc.foundBy {
				t.Errorf("shown in %v mode, found by %v; want %v, %v", f.Mode, f.FoundBy, tc.mode, tc.foundBy)
			}
			again, err := tc.run(t, dir, stress.WithReplay(f.ReplayFile))
			if err != nil {
				t.Fatal(err)
			}
			g := again.Failure
			if g == nil || g.Kind != f.Kind || g.Table != f.Table {
				t.Fatalf("the replay differs:\nfirst:\n%s\nreplay:\n%v", f.Report(), g)
			}
		})
	}
}

// TestControlledNeedsInstrumentation: controlled mode on a type that does
// not use package sched tests nothing, and says so (when it is not re-run
// instrumented: TestReexec).
func TestControlledNeedsInstrumentation(t *testing.T) {
	spec := blockerSpec(func(*blocker, int, model.CounterInput) model.CounterOutput { return model.CounterOutput{} }, nil)
	_, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithChecks(5), artifacts(t), stress.WithReexec(false))
	if !errors.Is(err, stress.ErrNotInstrumented) {
		t.Fatalf("error %v, want one saying nothing was instrumented", err)
	}
	// In fake time, controlled mode needs sched's virtual clock: it says
	// so after one probing execution, rather than sleep for real.
	spec.FakeTime = true
	res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithChecks(5), artifacts(t))
	if !errors.Is(err, stress.ErrNotInstrumented) || !strings.Contains(err.Error(), "virtual clock") || res.Executions != 1 {
		t.Fatalf("error %v after %d executions, want one saying the virtual clock needs instrumented code, after 1", err, res.Executions)
	}
}

// TestControlledFakeTime: a FakeTime spec runs in controlled mode on
// sched's virtual clock: an hour's sleep in every operation costs
// nothing, the correct counter passes and the lost update is caught.
func TestControlledFakeTime(t *testing.T) {
	for _, lost := range []bool{false, true} {
		spec := counterSpec(lost)
		spec.FakeTime = true
		spec.Run = func(c *counter, thread int, in model.CounterInput) model.CounterOutput {
			sched.Sleep(time.Hour)
			return c.run(thread, in)
		}
		res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(1), stress.WithChecks(200), artifacts(t))
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Failure != nil; got != lost {
			t.Fatalf("lost=%v: failure %v", lost, res.Failure)
		}
	}
}

// TestReplayEmptySchedule: a stress failure handed to controlled mode whose
// schedule has no context switch keeps its (empty) schedule in the replay
// file, and the replay shows it again.
func TestReplayEmptySchedule(t *testing.T) {
	spec := counterSpec(false)
	spec.Run = func(c *counter, thread int, in model.CounterInput) model.CounterOutput {
		if c.v.Load() == 0 {
			panic("boom on an empty counter")
		}
		return c.run(thread, in)
	}
	for _, seed := range []uint64{1, 2, 3} {
		dir := artifacts(t)
		res, err := stress.Run(t, spec, dir, stress.WithMode(stress.Stress), stress.WithSeed(seed))
		if err != nil {
			t.Fatal(err)
		}
		f := res.Failure
		if f == nil || f.Kind != stress.Panic || f.Mode != stress.Controlled || f.Preemptions != 0 || f.ReplayFile == "" {
			t.Fatalf("seed %d: want a panic shown under controlled scheduling with no context switch and a replay file, got %v", seed, f)
		}
		data, err := os.ReadFile(f.ReplayFile)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"picks": []`) {
			t.Errorf("seed %d: the replay file does not keep the empty schedule:\n%s", seed, data)
		}
		again, err := stress.Run(t, spec, dir, stress.WithReplay(f.ReplayFile))
		if err != nil {
			t.Fatal(err)
		}
		if g := again.Failure; g == nil || g.Kind != f.Kind || g.Table != f.Table {
			t.Fatalf("seed %d: the replay differs:\nfirst:\n%s\nreplay:\n%v", seed, f.Report(), g)
		}
	}
}

// TestReplayThatDoesNotReproduce: a controlled replay is exact, so one
// that passes is an error (the code changed, or the scheduler cannot see
// what it does); a stress-mode replay is best effort, so one whose failure
// does not recur is skipped, saying so, never passed.
func TestReplayThatDoesNotReproduce(t *testing.T) {
	t.Run("controlled", func(t *testing.T) {
		dir := artifacts(t)
		res, err := stress.Run(t, counterSpec(true), dir, stress.WithMode(stress.Controlled), stress.WithSeed(9))
		if err != nil || res.Failure == nil {
			t.Fatalf("want the lost update, got %v, %v", res.Failure, err)
		}
		// The bug fixed, the same replay file.
		_, err = stress.Run(t, counterSpec(false), dir, stress.WithReplay(res.Failure.ReplayFile))
		if err == nil || !strings.Contains(err.Error(), "did not reproduce") || !strings.Contains(err.Error(), "replays exactly") {
			t.Fatalf("error %v, want one saying the exact replay did not reproduce", err)
		}
	})
	spec := blockerSpec(func(b *blocker, _ int, in model.CounterInput) model.CounterOutput {
		if b.overlapped() {
			return model.CounterOutput{Value: 1}
		}
		return model.CounterOutput{}
	}, nil)
	fixed := blockerSpec(func(*blocker, int, model.CounterInput) model.CounterOutput { return model.CounterOutput{} }, nil)
	var sub *testing.T
	var ran bool
	t.Run("stress", func(t *testing.T) {
		sub = t
		dir := artifacts(t)
		res, err := stress.Run(t, spec, dir, stress.WithMode(stress.Stress), stress.WithSeed(9), stress.WithRuns(50))
		if err != nil || res.Failure == nil || res.Failure.Mode != stress.Stress || res.Failure.ReplayFile == "" {
			t.Fatalf("want a stress-mode violation with a replay file, got %v, %v", res.Failure, err)
		}
		// The bug fixed, the same replay file, the same test.
		res, err = stress.Run(t, fixed, dir, stress.WithReplay(res.Failure.ReplayFile))
		ran = true
		t.Errorf("a stress replay that did not reproduce returned %v, %v; want a skip", res.Failure, err)
	})
	if ran || !sub.Skipped() {
		t.Fatal("the stress replay that did not reproduce was not skipped")
	}
}
