package stress

import (
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Fuzz returns a fuzz target body for testing.F.Fuzz: it draws one
// scenario from the fuzzer's bytes, runs it, and fails with the report if
// the execution shows a bug.
//
// The bytes are read the way rapid.MakeFuzz reads them: one 8-byte
// little-endian word per draw, and an input that runs out is skipped, so
// no input, however short or strange, is a failure of the harness. A type
// that uses package sched runs under controlled scheduling with its
// schedule drawn from the same bytes, so an input always does the same
// thing and the crasher file the fuzzer writes replays the failure under
// plain go test. Other types run in stress mode, once per input unless
// WithRuns says otherwise (in fake time, that is nearly deterministic too).
// Failures are not minimized: the fuzzer minimizes inputs itself. Leaked
// goroutines are seen only in fake-time bubbles: the fuzzing engine's own
// goroutines come and go while an input runs.
//
//	func FuzzCounter(f *testing.F) {
//		f.Fuzz(stress.Fuzz(counterSpec()))
//	}
func Fuzz[T, I, O any](spec Spec[T, I, O], opts ...Option) func(*testing.T, []byte) {
	var (
		once  sync.Once
		r     *runner[T, I, O]
		err   error
		mode  Mode
		bound bounds
	)
	return func(t *testing.T, data []byte) {
		t.Helper()
		once.Do(func() {
			r, err = newRunner(t, spec, append([]Option{WithRuns(1)}, opts...))
			if err != nil {
				return
			}
			r.fuzzing = true
			bound = bounds{Threads: r.cfg.threads, Ops: r.cfg.ops, Init: r.cfg.init, Post: r.cfg.post}
			mode = Stress
			if !spec.FakeTime && r.cfg.mode != Stress {
				if ok, _ := r.instrumented(); ok || r.cfg.mode == Controlled {
					mode = Controlled
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		r.reset(t)
		var sc Scenario[I]
		var o outcome
		rapid.MakeFuzz(func(rt *rapid.T) {
			sc = r.draw(rt, bound)
			o = r.runScenario(rt, mode, sc)
		})(t, data)
		if o.kind != 0 {
			r.note(sc, o, mode, bound)
			t.Fatal(r.report(r.last, "found by fuzzing, not minimized (the fuzzer minimizes its input)").Report())
		}
	}
}

// reset prepares the runner for another search under t.
func (r *runner[T, I, O]) reset(t testing.TB) {
	r.t = t
	r.first, r.last, r.cache = nil, nil, nil
	r.executions, r.poisoned = 0, false
	r.start = time.Now()
}
