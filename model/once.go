package model

import "fmt"

// LazyInput is one call of a lazily initialized value's Get, which
// initializes it to Value if no call has yet.
type LazyInput struct{ Value int }

// String formats the input as a call: Get(3).
func (in LazyInput) String() string { return fmt.Sprintf("Get(%d)", in.Value) }

// LazyOutput is the value Get returned.
type LazyOutput struct{ Value int }

// String formats the output as the value.
func (out LazyOutput) String() string { return fmt.Sprint(out.Value) }

// Lazy specifies a value initialized once, by the first Get, like
// sync.OnceValue: every Get returns the value the first one proposed.
func Lazy() Model[Cell, LazyInput, LazyOutput] {
	return Model[Cell, LazyInput, LazyOutput]{
		Init: func() Cell { return Cell{} },
		Apply: func(c Cell, in LazyInput) (Cell, LazyOutput) {
			if !c.Present {
				c = Cell{Value: in.Value, Present: true}
			}
			return c, LazyOutput{c.Value}
		},
		EqualState:  func(a, b Cell) bool { return a == b },
		EqualOutput: func(a, b LazyOutput) bool { return a == b },
	}
}

// OnceInput is one call of Do on a sync.Once-like value.
type OnceInput struct{}

// String formats the input as a call: Do().
func (OnceInput) String() string { return "Do()" }

// OnceOutput is whether this call of Do ran the function.
type OnceOutput struct{ Ran bool }

// String formats the output as "ran" or "skipped".
func (out OnceOutput) String() string {
	if out.Ran {
		return "ran"
	}
	return "skipped"
}

// Once specifies sync.Once's Do: the first call runs the function, no
// other does.
func Once() Model[bool, OnceInput, OnceOutput] {
	return Model[bool, OnceInput, OnceOutput]{
		Init:        func() bool { return false },
		Apply:       func(done bool, _ OnceInput) (bool, OnceOutput) { return true, OnceOutput{!done} },
		EqualState:  func(a, b bool) bool { return a == b },
		EqualOutput: func(a, b OnceOutput) bool { return a == b },
	}
}
