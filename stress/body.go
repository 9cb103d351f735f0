package stress

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
)

// Check runs body many times and fails t with a report if an execution
// goes wrong: a goroutine blocked forever (a deadlock, or a goroutine
// left behind when the body returned), a panic in any goroutine, a hang
// (no end within -stress.hangtimeout), a failed [T.Error] or [T.Fatal] from
// any goroutine, or under -race a data race. The report uses the template
// of [Test]: the kind, where each stuck goroutine waits and where it was
// started, the interleaving, and the command that replays it.
//
// body is an ordinary test body that starts goroutines and uses
// channels, locks and the like; it gets a fresh [T] per execution, whose
// goroutines must all have ended when it returns. Built on package
// sched's primitives (sched.Go, sched.Mutex, sched.MakeChan,
// sched.WaitGroup, ..., written by hand or by `interleave test`), it runs
// under controlled scheduling: schedules are searched (PCT by default),
// and a failure is minimized to the fewest context switches and replays
// exactly. On plain sync and channels it runs in stress mode: real
// goroutines, the body repeated (-stress.checks times -stress.runs,
// 40000 by default). Auto mode, the default, probes the body once under
// the scheduler and picks controlled mode alone (5000 schedules by
// default) if it uses package sched, stress mode otherwise; a failure of
// the probe is reported at once. Under -race, a body on package sched
// that passes the controlled search runs in stress mode too: a
// controlled run orders every step, so the race detector sees no race in
// it, and a race on a plain variable needs goroutines running free. There is no scenario to shrink: the
// minimal scenario is always "thread 1: body", and options that size
// scenarios (WithMaxThreads, WithMaxOps, WithMaxInit, WithMaxPost and their flags)
// are ignored. [WithFakeTime] runs each stress execution in a
// testing/synctest bubble.
//
//	stress.Check(t, func(t *stress.T) {
//		var wg sched.WaitGroup
//		...
//		wg.Wait()
//	})
func Check(t testing.TB, body func(t *T), opts ...Option) {
	t.Helper()
	res, err := CheckRun(t, body, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure != nil {
		t.Fatal(res.Failure.Report())
	}
	t.Logf("stress: no bug in %d executions of the body (%v, seed %d)", res.Executions, roundTime(res.Elapsed), res.Seed)
}

// CheckRun is [Check] that returns what it found instead of failing t,
// as [Run] does. A failed T.Error or T.Fatal is a [TestFailed] failure; a
// goroutine blocked forever is a [Deadlock] (under controlled scheduling,
// or in fake time when every goroutine is blocked) or a [Leak] (the body
// returned and left it behind).
func CheckRun(t testing.TB, body func(t *T), opts ...Option) (Summary, error) {
	t.Helper()
	spec, rest := bodySpec(t.Name(), body, opts)
	res, err := Run(t, spec, rest...)
	if f := res.Failure; f != nil && f.Kind == Panic && f.Explanation == culpritType {
		f.Explanation = culpritBody
	}
	return res, err
}

// WithFakeTime makes [Check] run each stress-mode execution of the body
// in a testing/synctest bubble, as Spec.FakeTime does for a Spec: time
// moves only when every goroutine of the body is blocked, so timeouts
// cost nothing, and a body whose goroutines all block on channels, a
// WaitGroup or a Cond is reported at once as a deadlock. A goroutine
// blocked on a sync.Mutex is not durably blocked and ends as a hang. It
// implies stress mode (controlled runs and synctest's clock do not mix).
// Other entry points ignore it.
func WithFakeTime() Option { return fakeTimeOption{} }

type fakeTimeOption struct{}

func (fakeTimeOption) apply(*config) {}

const culpritBody = "the test body panicked (or a goroutine it started)"

// bodyCall is the one operation of a body's scenario: running the body.
type bodyCall struct{}

func (bodyCall) String() string { return "body" }

// bodyModel accepts every history: what can go wrong in a body is found
// by the other checks.
func bodyModel() model.Model[struct{}, bodyCall, struct{}] {
	return model.Model[struct{}, bodyCall, struct{}]{
		Init:         func() struct{} { return struct{}{} },
		Step:         func(s struct{}, _ bodyCall, _ struct{}) (bool, struct{}) { return true, s },
		Pending:      func(s struct{}, _ bodyCall) struct{} { return s },
		FormatOutput: func(bodyCall, struct{}) string { return "returned" },
	}
}

// bodySpec is the Spec of a body: one thread calling one operation, the
// body, on a fresh T.
func bodySpec(name string, body func(*T), opts []Option) (Spec[*T, bodyCall, struct{}], []Option) {
	spec := Spec[*T, bodyCall, struct{}]{
		New: func() *T { return newT(name) },
		Ops: rapid.Just(bodyCall{}),
		Run: func(t *T, _ int, _ bodyCall) struct{} {
			t.run(body)
			return struct{}{}
		},
		Model:   bodyModel(),
		Cleanup: func(t *T) { t.close() },
		body:    func(t *T) string { return t.failure() },
	}
	var rest []Option
	for _, o := range opts {
		if _, ok := o.(fakeTimeOption); ok {
			spec.FakeTime = true
			continue
		}
		rest = append(rest, o)
	}
	return spec, rest
}
