package model

import "fmt"

// KVOp names an operation of a map from string keys to int values.
type KVOp uint8

// The map operations, after sync.Map's.
const (
	// KVLoad returns the key's value and whether it was present.
	KVLoad KVOp = iota
	// KVStore sets the key to Value.
	KVStore
	// KVDelete removes the key, reporting whether it was present.
	KVDelete
	// KVCompareAndSwap sets the key to Value if it is present with value
	// Old, and reports whether it did.
	KVCompareAndSwap
	// KVLoadOrStore returns the key's value if present (OK true), and
	// otherwise stores Value and returns it (OK false).
	KVLoadOrStore
)

// KVInput is one map operation.
type KVInput struct {
	Op    KVOp
	Key   string
	Value int // with KVStore, KVCompareAndSwap (the new value), KVLoadOrStore
	Old   int // with KVCompareAndSwap
}

// String formats the input as a call: Load("a"), CompareAndSwap("a", 1, 2).
func (in KVInput) String() string {
	switch in.Op {
	case KVStore:
		return fmt.Sprintf("Store(%q, %d)", in.Key, in.Value)
	case KVDelete:
		return fmt.Sprintf("Delete(%q)", in.Key)
	case KVCompareAndSwap:
		return fmt.Sprintf("CompareAndSwap(%q, %d, %d)", in.Key, in.Old, in.Value)
	case KVLoadOrStore:
		return fmt.Sprintf("LoadOrStore(%q, %d)", in.Key, in.Value)
	}
	return fmt.Sprintf("Load(%q)", in.Key)
}

// KVOutput is what a map operation returned: the value and whether the
// key was present (KVLoad, KVLoadOrStore: loaded), whether it was present
// (KVDelete), or whether the swap happened (KVCompareAndSwap). KVStore
// returns nothing.
type KVOutput struct {
	Value int
	OK    bool
}

// Cell is the state of one key: its value, if Present.
type Cell struct {
	Value   int
	Present bool
}

// String formats the cell as its value, or "absent".
func (c Cell) String() string {
	if !c.Present {
		return "absent"
	}
	return fmt.Sprint(c.Value)
}

// KV specifies a map from string keys to int values that starts empty,
// with the operations of sync.Map. Histories are checked key by key.
func KV() Partitioned[Cell, KVInput, KVOutput, string] {
	return Partitioned[Cell, KVInput, KVOutput, string]{
		Model: Model[Cell, KVInput, KVOutput]{
			Init: func() Cell { return Cell{} },
			Apply: func(c Cell, in KVInput) (Cell, KVOutput) {
				switch in.Op {
				case KVStore:
					return Cell{in.Value, true}, KVOutput{}
				case KVDelete:
					return Cell{}, KVOutput{OK: c.Present}
				case KVCompareAndSwap:
					if c.Present && c.Value == in.Old {
						return Cell{in.Value, true}, KVOutput{OK: true}
					}
					return c, KVOutput{}
				case KVLoadOrStore:
					if c.Present {
						return c, KVOutput{Value: c.Value, OK: true}
					}
					return Cell{in.Value, true}, KVOutput{Value: in.Value}
				}
				return c, KVOutput{Value: c.Value, OK: c.Present}
			},
			EqualState:  func(a, b Cell) bool { return a == b },
			EqualOutput: func(a, b KVOutput) bool { return a == b },
			FormatOutput: func(in KVInput, out KVOutput) string {
				switch in.Op {
				case KVStore:
					return "ok"
				case KVLoad, KVLoadOrStore:
					return fmt.Sprintf("%d, %t", out.Value, out.OK)
				}
				return fmt.Sprint(out.OK)
			},
		},
		Key: func(in KVInput) string { return in.Key },
	}
}
