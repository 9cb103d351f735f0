package stress

import (
	"errors"
	"fmt"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
)

// Spec describes a concurrent type under test: how to make one, which
// operations to call on it, and what they must return.
//
// T is the type under test (usually a pointer), I the input of one
// operation (which operation and its arguments) and O its output; the
// Model speaks the same I and O. Inputs and outputs appear in reports as
// the Model describes them (by default with fmt's %v, so a String method
// is used).
type Spec[T, I, O any] struct {
	// New returns a fresh value to test. It is called once per execution,
	// inside the testing/synctest bubble when FakeTime is set. Required.
	New func() T
	// Ops draws the input of one operation. Required.
	Ops *rapid.Generator[I]
	// Run performs one operation on v, called from thread (0 for the
	// sequential parts, 1..n for the parallel threads, as in the
	// history), and returns what it returned. A type that takes a hint of
	// its caller, a striped counter say, gets thread. Required.
	Run func(v T, thread int, in I) O
	// Model is the sequential specification the history must match: a
	// model.Model[S, I, O], shipped (model.Counter()) or written for the
	// type, whatever its state type S. The field's type,
	// model.Sequential[I, O], is what every Model is with S hidden.
	// Required.
	Model model.Sequential[I, O]

	// Stamp, if set, completes an input at the moment of the call, before
	// it is recorded: it fills in what only the call knows, like the
	// virtual time of a rate limiter call or a fresh job ID.
	Stamp func(v T, in I) I
	// Finally lists operations run in order after the parallel part of
	// every execution, like closing a pool. They are part of the history.
	Finally []I
	// Cleanup, if set, releases v after an execution.
	Cleanup func(v T)
	// Check, if set, is a property of a whole execution that a sequential
	// model cannot state, like a throughput bound. It sees the history
	// and returns an error describing a violation. It must be
	// deterministic.
	Check func(history []Operation[I, O]) error
	// FakeTime runs every stress execution in a testing/synctest bubble:
	// time moves only when every goroutine of the execution is blocked, so
	// timeouts and rate limits are exact and nothing sleeps for real.
	// Controlled mode runs such a spec on package sched's virtual clock,
	// which behaves the same way; only instrumented code (interleave
	// test) reads it, so on other code controlled mode stops after one
	// probing execution with an error wrapping ErrNotInstrumented.
	FakeTime bool

	// body, set by Check, makes this the spec of a test body: one thread
	// of one operation, and a TestFailed failure when it returns a
	// message (what the body's T recorded).
	body func(v T) string
	// scenario, set by Compare, is called before the operations of each
	// scenario are drawn: Compare's generator keeps the values the
	// scenario's calls got so far (methodSet.begin).
	scenario func()
}

// Operation is one operation of an execution's history, typed: the
// spec's own I and O where package linearize's Operation holds any.
type Operation[I, O any] struct {
	// Thread is 0 for the sequential parts (before and after the parallel
	// part) and 1..n for the parallel threads.
	Thread int
	Input  I
	Output O
	// Pending is true when the operation never returned; Output is then
	// the zero value.
	Pending bool
	// Call and Return are logical stamps: an operation whose Call is after
	// another's Return started after that one ended.
	Call, Return int64
}

// Scenario is what one execution runs: Init sequentially, then each of
// Threads in parallel, then Post (and the Spec's Finally) sequentially.
type Scenario[I any] struct {
	Init    []I
	Threads [][]I
	Post    []I

	// finally selects the Spec's Finally operations to run, by index,
	// when minimization has dropped some; nil runs them all.
	finally []int
}

// Size returns the number of operations in sc.
func (sc Scenario[I]) Size() int {
	n := len(sc.Init) + len(sc.Post)
	for _, th := range sc.Threads {
		n += len(th)
	}
	return n
}

// validate reports what is missing from a spec, and builds its model.
func (s *Spec[T, I, O]) validate() (porcupine.Model, error) {
	switch {
	case s.New == nil:
		return porcupine.Model{}, errors.New("stress: Spec.New is nil: say how to make the value under test")
	case s.Ops == nil:
		return porcupine.Model{}, errors.New("stress: Spec.Ops is nil: there are no operations to call")
	case s.Run == nil:
		return porcupine.Model{}, errors.New("stress: Spec.Run is nil: say how to perform an operation")
	case s.Model == nil:
		return porcupine.Model{}, errors.New("stress: Spec.Model is nil: give the sequential specification to check against")
	}
	m, err := s.Model.Porcupine()
	if err != nil {
		return porcupine.Model{}, fmt.Errorf("stress: Spec.Model: %w", err)
	}
	return m, nil
}
