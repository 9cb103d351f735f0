package model

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/internal/greedy"
)

// Model is a sequential specification: how a type with state S answers an
// operation with input I, with output O, when operations run one at a time.
//
// Fill either Apply (deterministic types) or Step and Pending (types whose
// output is not a function of the state). The functions must be pure: they
// must not modify the state they are given, but return a new one.
//
// The zero Model is not valid; [Model.Validate] says what is missing.
type Model[S, I, O any] struct {
	// Init returns the initial state. Required.
	Init func() S

	// Apply returns the state after the operation and the output the
	// operation must return. The checker compares that output with the real
	// one using EqualOutput.
	Apply func(s S, in I) (S, O)

	// Step reports whether out is a legal output of the operation from state
	// s, and the state after it. Use it instead of Apply when more than one
	// output is legal.
	Step func(s S, in I, out O) (ok bool, next S)

	// Pending returns the state after an operation that took effect but
	// never returned (its output is unknown). Required with Step; derived
	// from Apply otherwise.
	Pending func(s S, in I) S

	// EqualState compares states. Default: reflect.DeepEqual.
	EqualState func(a, b S) bool

	// EqualOutput compares outputs, with Apply. Default: reflect.DeepEqual.
	EqualOutput func(a, b O) bool

	// Hash, if set, speeds up the checker on large states. Equal states
	// must have equal hashes.
	Hash func(s S) uint64

	// FormatInput describes an operation as a call, Push(3), for reports
	// and visualizations. Default: fmt's %v (so a String method is used).
	FormatInput func(in I) string

	// FormatOutput describes what the operation returned; it gets the input
	// too, since the same output type often serves several operations.
	// Default: %v of out.
	FormatOutput func(in I, out O) string

	// FormatState describes a state for visualizations. Default: %v.
	FormatState func(s S) string

	// Blocks, if set, says that operation in waits in state s (a Take
	// on an empty buffer) rather than returning. An execution that ends
	// with every remaining operation blocked then ends normally: it is
	// correct only if some linearization of the completed operations
	// leads to a state in which Blocks holds for each blocked one. A
	// checker gives a blocked operation the output [Blocked]; it leaves
	// the state as it is.
	Blocks func(s S, in I) bool
}

// Blocked is the output of an operation that was blocked when its
// execution ended, for models with Blocks: the model accepts it in a
// state where Blocks holds for the operation.
var Blocked any = blocked{}

type blocked struct{}

// MayBlock reports whether m has Blocks: whether an execution whose
// remaining operations all wait can end normally.
func (m Model[S, I, O]) MayBlock() bool { return m.Blocks != nil }

// Sequential is a [Model] with its state type hidden: what checkers, and
// stress.Spec's Model field, need. Every Model[S, I, O] is a
// Sequential[I, O]; write a Model rather than implement this by hand.
type Sequential[I, O any] interface {
	// Porcupine returns the model as a porcupine.Model whose inputs are I,
	// whose outputs are O, and which reads a nil output as an operation
	// that never returned. It fails if the model is not valid.
	Porcupine() (porcupine.Model, error)
	// DescribeInput and DescribeOutput format one operation's parts.
	DescribeInput(in I) string
	DescribeOutput(in I, out O) string
}

var errNoInit = errors.New("model: Init is nil")

// Validate reports what is missing or contradictory in m.
func (m Model[S, I, O]) Validate() error {
	switch {
	case m.Init == nil:
		return errNoInit
	case m.Apply == nil && m.Step == nil:
		return errors.New("model: set Apply (deterministic) or Step and Pending")
	case m.Apply != nil && m.Step != nil:
		return errors.New("model: set Apply or Step, not both")
	case m.Step != nil && m.Pending == nil:
		return errors.New("model: Step needs Pending, the state after an operation that never returned")
	}
	if t := reflect.TypeFor[O](); t.Kind() == reflect.Interface {
		return fmt.Errorf("model: output type %v is an interface; a nil output means the operation never returned, so use a concrete type", t)
	}
	return nil
}

// DescribeInput formats in with FormatInput, or %v.
func (m Model[S, I, O]) DescribeInput(in I) string {
	if m.FormatInput != nil {
		return m.FormatInput(in)
	}
	return fmt.Sprintf("%v", in)
}

// DescribeOutput formats out with FormatOutput, or %v.
func (m Model[S, I, O]) DescribeOutput(in I, out O) string {
	if m.FormatOutput != nil {
		return m.FormatOutput(in, out)
	}
	return fmt.Sprintf("%v", out)
}

// Op is an operation of a history that returned, in a model's own
// types, for [Model.Linearizes]. Call and Return are stamps of one
// clock.
type Op[I, O any] struct {
	Input        I
	Output       O
	Call, Return int64
}

// Linearizes reports whether a greedy walk finds a linearization of ops,
// every one of which returned: an order consistent with real time in
// which each operation is a legal step of m. It tries, at each step, the
// operations that may come next in the order of their returns, then of
// their calls, takes the first legal one and never goes back, so a true
// answer is exact and a false one proves nothing: ask a checker then
// (package linearize). It is the fast path of a check, on m's own types,
// which it boxes none of; past deadline it gives up (false). A model
// that panics panics here.
func (m Model[S, I, O]) Linearizes(ops []Op[I, O], deadline time.Time) bool {
	if m.Init == nil || (m.Apply == nil) == (m.Step == nil) {
		return false // not valid: Porcupine says why
	}
	step := m.Step
	if m.Apply != nil {
		equal, apply := m.EqualOutput, m.Apply
		if equal == nil {
			equal = func(a, b O) bool { return reflect.DeepEqual(a, b) }
		}
		step = func(s S, in I, out O) (bool, S) {
			next, want := apply(s, in)
			return equal(want, out), next
		}
	}
	return greedy.Linearizes(ops,
		func(op *Op[I, O]) int64 { return op.Call },
		func(op *Op[I, O]) int64 { return op.Return },
		m.Init,
		func(s S, op *Op[I, O]) (bool, S) { return step(s, op.Input, op.Output) },
		&greedy.Budget{Deadline: deadline})
}

// Porcupine implements [Sequential].
func (m Model[S, I, O]) Porcupine() (porcupine.Model, error) {
	if err := m.Validate(); err != nil {
		return porcupine.Model{}, err
	}
	step, pending := m.Step, m.Pending
	if m.Apply != nil {
		equal := m.EqualOutput
		if equal == nil {
			equal = func(a, b O) bool { return reflect.DeepEqual(a, b) }
		}
		apply := m.Apply
		step = func(s S, in I, out O) (bool, S) {
			next, want := apply(s, in)
			return equal(want, out), next
		}
		pending = func(s S, in I) S {
			next, _ := apply(s, in)
			return next
		}
	}
	equalState := m.EqualState
	if equalState == nil {
		equalState = func(a, b S) bool { return reflect.DeepEqual(a, b) }
	}
	pm := porcupine.Model{
		Init: func() any { return m.Init() },
		Step: func(state, input, output any) (bool, any) {
			s, in := state.(S), input.(I)
			if _, ok := output.(blocked); ok {
				return m.Blocks != nil && m.Blocks(s, in), s
			}
			if output == nil {
				return true, pending(s, in)
			}
			return step(s, in, output.(O))
		},
		Equal: func(a, b any) bool { return equalState(a.(S), b.(S)) },
		DescribeOperation: func(input, output any) string {
			in := input.(I)
			if output == nil {
				return m.DescribeInput(in) + " -> (never returned)"
			}
			if _, ok := output.(blocked); ok {
				return m.DescribeInput(in) + " -> (blocked)"
			}
			return m.DescribeInput(in) + " -> " + m.DescribeOutput(in, output.(O))
		},
		DescribeState: func(state any) string {
			if m.FormatState != nil {
				return m.FormatState(state.(S))
			}
			return fmt.Sprintf("%v", state)
		},
	}
	if m.Hash != nil {
		hash := m.Hash
		pm.Hash = func(s any) uint64 { return hash(s.(S)) }
	}
	return pm, nil
}
