package model

import "fmt"

// SetOp names an operation of a set of ints.
type SetOp uint8

// The set operations.
const (
	// SetAdd adds Value, reporting whether it was absent.
	SetAdd SetOp = iota
	// SetRemove removes Value, reporting whether it was present.
	SetRemove
	// SetContains reports whether Value is present.
	SetContains
)

// SetInput is one set operation.
type SetInput struct {
	Op    SetOp
	Value int
}

// String formats the input as a call: Add(3).
func (in SetInput) String() string {
	return fmt.Sprintf("%s(%d)", [...]string{"Add", "Remove", "Contains"}[in.Op], in.Value)
}

// SetOutput is what a set operation reported.
type SetOutput struct{ OK bool }

// String formats the output as true or false.
func (out SetOutput) String() string { return fmt.Sprint(out.OK) }

// Set specifies a set of ints that starts empty. Histories are checked
// value by value, so the model has no Len: a Len would tie every value
// to every other.
func Set() Partitioned[bool, SetInput, SetOutput, int] {
	return Partitioned[bool, SetInput, SetOutput, int]{
		Model: Model[bool, SetInput, SetOutput]{
			Init: func() bool { return false },
			Apply: func(present bool, in SetInput) (bool, SetOutput) {
				switch in.Op {
				case SetAdd:
					return true, SetOutput{!present}
				case SetRemove:
					return false, SetOutput{present}
				}
				return present, SetOutput{present}
			},
			EqualState:  func(a, b bool) bool { return a == b },
			EqualOutput: func(a, b SetOutput) bool { return a == b },
		},
		Key: func(in SetInput) int { return in.Value },
	}
}
