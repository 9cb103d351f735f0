package stress

import (
	"fmt"
	"runtime/debug"

	"github.com/interleave-go/interleave/linearize"
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
	// Panic: the type under test panicked.
	Panic
	// Deadlock: goroutines remain and none can ever run again.
	Deadlock
	// Hang: the execution did not end in time.
	Hang
	// Leak: goroutines were left behind after the execution ended.
	Leak
	// StepLimit: a controlled execution did not end within its step bound.
	StepLimit
)

var kindNames = [...]string{"", "linearizability violation", "undecided history", "property violation", "panic", "deadlock", "hang", "goroutine leak", "step limit"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// verdict checks a finished execution: a panic, then linearizability, then
// the spec's own property.
func (r *runner[T, I, O]) verdict(x *exec[T, I, O]) (o outcome) {
	h := x.rec.History()
	defer func() {
		// A model or a property that panics is a bug in the spec; say so
		// rather than crash the test binary.
		if p := recover(); p != nil {
			o = outcome{kind: Panic, history: h, detail: fmt.Sprintf("the spec's Check panicked: %v\n\n%s", p, debug.Stack())}
		}
	}()
	if p := x.panicked.Load(); p != nil {
		return outcome{kind: Panic, history: h, detail: fmt.Sprintf("panic in %s: %v\n\n%s", laneName(p.thread), p.value, p.stack)}
	}
	res, err := linearize.Check(r.pm, h, linearize.Options{Timeout: r.checkTimeout})
	if p := r.modelPanic.Swap(nil); p != nil {
		return outcome{kind: Panic, history: h, detail: fmt.Sprintf("the spec's model panicked: %v\n\n%s", p.value, p.stack)}
	}
	if err != nil {
		return outcome{kind: Undecided, history: h, detail: err.Error()}
	}
	switch res.Verdict {
	case linearize.Illegal:
		return outcome{kind: Violation, history: h}
	case linearize.Unknown:
		return outcome{kind: Undecided, history: h, detail: fmt.Sprintf("porcupine gave up after %v; a smaller scenario (-stress.threads, -stress.ops) checks faster", r.checkTimeout)}
	}
	if r.spec.Check != nil {
		if err := r.spec.Check(typed[I, O](h)); err != nil {
			return outcome{kind: Property, history: h, detail: err.Error()}
		}
	}
	return outcome{history: h}
}

func laneName(lane int) string {
	if lane == 0 {
		return "the sequential part"
	}
	return fmt.Sprintf("thread %d", lane)
}

// typed converts a recorded history to the spec's types.
func typed[I, O any](h []linearize.Operation) []Operation[I, O] {
	ops := make([]Operation[I, O], len(h))
	for i, op := range h {
		ops[i] = Operation[I, O]{Thread: op.Thread, Input: op.Input.(I), Pending: op.Pending, Call: op.Call, Return: op.Return}
		if !op.Pending {
			ops[i].Output = op.Output.(O)
		}
	}
	return ops
}
