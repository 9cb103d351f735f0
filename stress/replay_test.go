package stress_test

import (
	"strings"
	"testing"

	"github.com/interleave-go/interleave/model"
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
// not use package sched tests nothing, and says so.
func TestControlledNeedsInstrumentation(t *testing.T) {
	spec := blockerSpec(func(*blocker, int, model.CounterInput) model.CounterOutput { return model.CounterOutput{} }, nil)
	_, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithChecks(5), artifacts(t))
	if err == nil || !strings.Contains(err.Error(), "saw no operation of package sched") {
		t.Fatalf("error %v, want one saying nothing was instrumented", err)
	}
}
