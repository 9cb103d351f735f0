package model

import "fmt"

// CounterOp names a counter operation.
type CounterOp uint8

// The counter operations.
const (
	CounterGet CounterOp = iota // read the value
	CounterAdd                  // add Delta and return the new value
)

// CounterInput is one counter operation.
type CounterInput struct {
	Op    CounterOp
	Delta int64 // with CounterAdd
}

// String formats the input as a call: Add(2), Get().
func (in CounterInput) String() string {
	if in.Op == CounterAdd {
		return fmt.Sprintf("Add(%d)", in.Delta)
	}
	return "Get()"
}

// CounterOutput is the value a counter operation returned: the new value
// for Add (as sync/atomic's Add does), the current one for Get.
type CounterOutput struct {
	Value int64
}

// String formats the output as the returned value.
func (out CounterOutput) String() string { return fmt.Sprint(out.Value) }

// Counter specifies an integer counter that starts at zero.
func Counter() Model[int64, CounterInput, CounterOutput] {
	return Model[int64, CounterInput, CounterOutput]{
		Init: func() int64 { return 0 },
		Apply: func(s int64, in CounterInput) (int64, CounterOutput) {
			if in.Op == CounterAdd {
				s += in.Delta
			}
			return s, CounterOutput{Value: s}
		},
		EqualState:  func(a, b int64) bool { return a == b },
		EqualOutput: func(a, b CounterOutput) bool { return a == b },
	}
}
