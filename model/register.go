package model

import "fmt"

// RegisterOp names an operation of an int register.
type RegisterOp uint8

// The register operations, after sync/atomic's.
const (
	// RegisterLoad returns the value.
	RegisterLoad RegisterOp = iota
	// RegisterStore sets the value.
	RegisterStore
	// RegisterSwap sets the value and returns the old one.
	RegisterSwap
	// RegisterCompareAndSwap sets the value to Value if it is Old, and
	// reports whether it did.
	RegisterCompareAndSwap
)

// RegisterInput is one register operation.
type RegisterInput struct {
	Op    RegisterOp
	Value int // with RegisterStore, RegisterSwap, RegisterCompareAndSwap (the new value)
	Old   int // with RegisterCompareAndSwap
}

// String formats the input as a call: Load(), CompareAndSwap(1, 2).
func (in RegisterInput) String() string {
	switch in.Op {
	case RegisterStore:
		return fmt.Sprintf("Store(%d)", in.Value)
	case RegisterSwap:
		return fmt.Sprintf("Swap(%d)", in.Value)
	case RegisterCompareAndSwap:
		return fmt.Sprintf("CompareAndSwap(%d, %d)", in.Old, in.Value)
	}
	return "Load()"
}

// RegisterOutput is what a register operation returned: the value
// (RegisterLoad) or the old value (RegisterSwap), or whether the swap
// happened (RegisterCompareAndSwap, in OK). RegisterStore returns nothing.
type RegisterOutput struct {
	Value int
	OK    bool
}

// Register specifies an int register that starts at zero, with the
// operations of atomic.Int64.
func Register() Model[int, RegisterInput, RegisterOutput] {
	return Model[int, RegisterInput, RegisterOutput]{
		Init: func() int { return 0 },
		Apply: func(s int, in RegisterInput) (int, RegisterOutput) {
			switch in.Op {
			case RegisterStore:
				return in.Value, RegisterOutput{}
			case RegisterSwap:
				return in.Value, RegisterOutput{Value: s}
			case RegisterCompareAndSwap:
				if s == in.Old {
					return in.Value, RegisterOutput{OK: true}
				}
				return s, RegisterOutput{}
			}
			return s, RegisterOutput{Value: s}
		},
		EqualState:  func(a, b int) bool { return a == b },
		EqualOutput: func(a, b RegisterOutput) bool { return a == b },
		FormatOutput: func(in RegisterInput, out RegisterOutput) string {
			switch in.Op {
			case RegisterStore:
				return "ok"
			case RegisterCompareAndSwap:
				return fmt.Sprint(out.OK)
			}
			return fmt.Sprint(out.Value)
		},
	}
}

// PairInput is one operation of a pair of registers read and written
// together: Read (Write false) returns both, Write sets both to A and B.
type PairInput struct {
	Write bool
	A, B  int
}

// String formats the input as a call: Read(), Write(1, 2).
func (in PairInput) String() string {
	if in.Write {
		return fmt.Sprintf("Write(%d, %d)", in.A, in.B)
	}
	return "Read()"
}

// PairOutput is what Read returned; Write returns the zero value.
type PairOutput struct{ A, B int }

// String formats the output as the two values.
func (out PairOutput) String() string { return fmt.Sprintf("%d, %d", out.A, out.B) }

// Pair specifies two int registers, both zero at first, that are read and
// written together: a Read that sees half of a Write is a violation.
func Pair() Model[PairOutput, PairInput, PairOutput] {
	return Model[PairOutput, PairInput, PairOutput]{
		Init: func() PairOutput { return PairOutput{} },
		Apply: func(s PairOutput, in PairInput) (PairOutput, PairOutput) {
			if in.Write {
				return PairOutput{in.A, in.B}, PairOutput{}
			}
			return s, s
		},
		EqualState:  func(a, b PairOutput) bool { return a == b },
		EqualOutput: func(a, b PairOutput) bool { return a == b },
		FormatOutput: func(in PairInput, out PairOutput) string {
			if in.Write {
				return "ok"
			}
			return out.String()
		},
	}
}
