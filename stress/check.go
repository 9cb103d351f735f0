package stress

import (
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// Kind is the kind of a failure.
type Kind uint8

// The failure kinds.
const (
	_ Kind = iota
	// Violation: no order of the operations is a legal sequential run.
	Violation
	// Undecided: the linearizability checker ran out of time. Never a pass.
	Undecided
	// Property: the Spec's Check rejected the execution.
	Property
	// Panic: the type under test panicked, on one of the scenario's
	// threads or on a goroutine it started.
	Panic
	// Deadlock: goroutines remain and none can ever run again.
	Deadlock
	// Hang: the execution did not end in time.
	Hang
	// Leak: goroutines the execution started (and only those: not other
	// tests', nor earlier executions') were still there after it ended.
	// In fake time the clock first runs on, up to an hour, so that those
	// waiting on a timer end; without it, they get half a second.
	Leak
	// StepLimit: a controlled execution did not end within its step bound.
	StepLimit
	// DataRace: under -race, the race detector reported a data race.
	DataRace
	// TestFailed: a body run by Check called T.Error, T.Fatal or their
	// kin, from any of its goroutines.
	TestFailed
)

var kindNames = [...]string{"", "linearizability violation", "undecided history", "property violation", "panic", "deadlock", "hang", "goroutine leak", "step limit", "data race", "test failure"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// verdict checks a finished execution: a panic, then linearizability, then
// the spec's own property.
//
// An execution that went well is checked first by the model's own greedy
// walk (model.Model.Linearizes), on the operations unboxed, which finds
// most linearizable histories at the cost of one model step an operation;
// only when it does not is the history boxed and checked in full. A
// passing outcome from that walk has no history: nothing reads it.
func (r *runner[T, I, O]) verdict(x *exec[T, I, O]) outcome {
	if r.fastCheck(x) {
		return outcome{}
	}
	return r.verdictOf(x, x.rec.History())
}

// linearizer is a model with a fast path of its own types: every
// model.Model is one.
type linearizer[I, O any] interface {
	Linearizes(ops []model.Op[I, O], deadline time.Time) bool
}

// fastCheck reports whether x passes on the model's greedy walk alone:
// nothing panicked, every operation returned, the spec has no body or
// Check to run, and the walk found a linearization (exact). A model that
// panics leaves the answer to verdictOf, which reports it.
func (r *runner[T, I, O]) fastCheck(x *exec[T, I, O]) (ok bool) {
	m, fast := r.model.(linearizer[I, O])
	if !fast || r.spec.body != nil || r.spec.Check != nil || x.panicked.Load() != nil {
		return false
	}
	ops, all := x.rec.Returned()
	if !all {
		return false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return m.Linearizes(ops, time.Now().Add(r.cfg.checkTime))
}

// verdictOf is verdict on the history h of x.
func (r *runner[T, I, O]) verdictOf(x *exec[T, I, O], h []linearize.Operation) (o outcome) {
	defer func() {
		// A model or a property that panics is a bug in the spec; say so
		// rather than crash the test binary.
		if p := recover(); p != nil {
			o = outcome{kind: Panic, culprit: culpritCheck, history: h, detail: fmt.Sprintf("the spec's Check panicked: %v\n\n%s", p, debug.Stack())}
		}
	}()
	if p := x.panicked.Load(); p != nil {
		return outcome{kind: Panic, culprit: culpritOf(p.thread), history: h, detail: fmt.Sprintf("panic in %s: %v\n\n%s", panicThread(p.thread, h), p.value, p.stack)}
	}
	if r.spec.body != nil {
		if msg := r.spec.body(x.v); msg != "" {
			return outcome{kind: TestFailed, history: h, detail: msg}
		}
	}
	res, err := linearize.Check(r.pm, h, linearize.Config{Timeout: r.cfg.checkTime})
	if p := r.modelPanic.Swap(nil); p != nil {
		return outcome{kind: Panic, culprit: culpritModel, history: h, detail: fmt.Sprintf("the spec's model panicked: %v\n\n%s", p.value, p.stack)}
	}
	if err != nil {
		return outcome{kind: Undecided, history: h, detail: err.Error()}
	}
	switch res.Verdict {
	case linearize.NotLinearizable:
		return outcome{kind: Violation, history: h}
	case linearize.Undecided:
		return outcome{kind: Undecided, history: h, detail: fmt.Sprintf("porcupine gave up after %v; a smaller scenario (-stress.maxthreads, -stress.maxops) checks faster", r.cfg.checkTime)}
	}
	if r.spec.Check != nil {
		if err := r.spec.Check(typed[I, O](h)); err != nil {
			return outcome{kind: Property, history: h, detail: err.Error()}
		}
	}
	return outcome{history: h}
}

// The threads of a panic outside the operations: in the spec's New or
// Cleanup (see threadName).
const (
	threadNew     = -1
	threadCleanup = -2
)

// schedThread turns thread as the spec numbers it (Spec.Run's argument,
// Operation.Thread: 0 for both sequential parts, 1..n for the parallel
// threads) into package sched's numbering, which threadName names: 0,
// the sequential part, is init (0) until an operation of a parallel
// thread has been called before call, and post (n+1) after.
func schedThread(thread int, call int64, h []linearize.Operation, n int) int {
	if thread != 0 {
		return thread
	}
	for _, op := range h {
		if op.Thread != 0 && op.Call < call {
			return n + 1
		}
	}
	return 0
}

// panicThread names the thread of a panic, numbered as the spec numbers
// it, in an execution whose history is h: a panic ends the execution, so
// one in the sequential part came after every operation of h.
func panicThread(thread int, h []linearize.Operation) string {
	n := 0
	for _, op := range h {
		n = max(n, op.Thread)
	}
	return threadName(schedThread(thread, math.MaxInt64, h, n), n)
}

// Whose code panicked: the culprit names a panic's headline, since a panic
// in the spec is a bug in the test, not in the type.
const (
	culpritType    = "the type under test panicked (in Spec.Run)"
	culpritNew     = "the spec's New panicked"
	culpritCleanup = "the spec's Cleanup panicked"
	culpritModel   = "the spec's model panicked (Spec.Model), not the type under test"
	culpritCheck   = "the spec's Check panicked, not the type under test"
)

func culpritOf(thread int) string {
	switch thread {
	case threadNew:
		return culpritNew
	case threadCleanup:
		return culpritCleanup
	}
	return culpritType
}

// typed converts a recorded history to the spec's types.
func typed[I, O any](h []linearize.Operation) []Operation[I, O] {
	ops := make([]Operation[I, O], len(h))
	for i, op := range h {
		ops[i] = Operation[I, O]{Thread: op.Thread, Input: op.Input.(I), Pending: op.Pending, Call: op.Call, Return: op.Return}
		if out, ok := op.Output.(O); ok && !op.Pending {
			ops[i].Output = out
		} else {
			ops[i].Pending = true // or blocked: it never returned
		}
	}
	return ops
}
