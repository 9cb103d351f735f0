package stress_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// striped is a counter with a stripe per caller: Add(hint) adds 1 to the
// stripe of hint with a load and a store, which is correct only while no
// two concurrent callers share a hint; Total sums the stripes.
type striped struct{ stripes [4]sched.Int64 }

func (s *striped) Add(hint int) {
	st := &s.stripes[hint%len(s.stripes)]
	st.Store(st.Load() + 1)
}

func (s *striped) Total() int64 {
	var n int64
	for i := range s.stripes {
		n += s.stripes[i].Load()
	}
	return n
}

// stripedSpec tests a striped counter: Add(1) returns nothing, Get the
// total. hint picks the caller hint from the thread Run is given.
func stripedSpec(hint func(thread int) int) stress.Spec[*striped, bool, int64] {
	return stress.Spec[*striped, bool, int64]{
		New: func() *striped { return new(striped) },
		Ops: rapid.Bool(),
		Run: func(s *striped, thread int, add bool) int64 {
			if add {
				s.Add(hint(thread))
				return 0
			}
			return s.Total()
		},
		Model: model.Model[int64, bool, int64]{
			Init: func() int64 { return 0 },
			Apply: func(n int64, add bool) (int64, int64) {
				if add {
					return n + 1, 0
				}
				return n, n
			},
			FormatInput: func(add bool) string {
				if add {
					return "Add(1)"
				}
				return "Get()"
			},
		},
	}
}

// TestRunGetsThread checks that Run is told its thread: a striped counter
// that uses it as the caller hint passes, in both modes, since each
// parallel thread has a stripe of its own and the sequential parts (thread
// 0) another; the same counter given one hint for every caller loses
// updates and is caught.
func TestRunGetsThread(t *testing.T) {
	opts := []stress.Option{stress.WithMaxThreads(3), stress.WithSeed(1), artifacts(t)}
	for _, mode := range []stress.Mode{stress.Controlled, stress.Stress} {
		t.Run("thread as hint/"+mode.String(), func(t *testing.T) {
			res, err := stress.Run(t, stripedSpec(func(thread int) int { return thread }),
				append(opts, stress.WithMode(mode), stress.WithChecks(300), stress.WithRuns(20))...)
			if err != nil {
				t.Fatal(err)
			}
			if res.Failure != nil {
				t.Fatalf("correct striped counter failed:\n%s", res.Failure.Report())
			}
			if res.Executions == 0 {
				t.Fatal("nothing was executed")
			}
			if testing.Verbose() {
				t.Logf("%d executions", res.Executions)
			}
		})
	}
	t.Run("one hint for all", func(t *testing.T) {
		res, err := stress.Run(t, stripedSpec(func(int) int { return 0 }), append(opts, stress.WithMode(stress.Controlled))...)
		if err != nil {
			t.Fatal(err)
		}
		if f := res.Failure; f == nil || f.Kind != stress.Violation {
			t.Fatalf("a shared stripe was not caught as a violation: %+v", f)
		}
	})
}
