package model

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
)

// ContainerOp names an operation of a stack or a queue.
type ContainerOp uint8

// The container operations, named like those of the other models
// (CounterAdd, PoolSubmit).
const (
	ContainerPut  ContainerOp = iota // Push on a stack, Enqueue on a queue
	ContainerTake                    // Pop on a stack, Dequeue on a queue
	ContainerLen                     // the number of elements
)

// ContainerInput is one stack or queue operation.
type ContainerInput struct {
	Op    ContainerOp
	Value int // with ContainerPut
}

// String formats the input as a call with the generic names: Put(3),
// Take(), Len(). The stack and queue models describe it as Push(3) or
// Enqueue(3).
func (in ContainerInput) String() string {
	switch in.Op {
	case ContainerPut:
		return fmt.Sprintf("Put(%d)", in.Value)
	case ContainerTake:
		return "Take()"
	case ContainerLen:
		return "Len()"
	}
	return fmt.Sprintf("ContainerOp(%d)", in.Op)
}

// ContainerOutput is what a stack or queue operation returned: the value
// taken and whether there was one (ContainerTake), or the length
// (ContainerLen). ContainerPut returns nothing and its output is the zero
// value. Fields an operation does not return must be zero: the models
// compare whole outputs, and describe one with such a field set as the
// whole struct, {Value:3 OK:true Len:0}.
type ContainerOutput struct {
	Value int
	OK    bool
	Len   int
}

var seed = maphash.MakeSeed()

func hashInts(s []int) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, v := range s {
		maphash.WriteComparable(&h, v)
	}
	return h.Sum64()
}

func formatInts(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// container builds the stack and queue models, which differ only in names
// and in which end ContainerTake reads.
func container(put, take string, lifo bool) Model[[]int, ContainerInput, ContainerOutput] {
	return Model[[]int, ContainerInput, ContainerOutput]{
		Init: func() []int { return nil },
		Apply: func(s []int, in ContainerInput) ([]int, ContainerOutput) {
			switch in.Op {
			case ContainerPut:
				next := make([]int, len(s), len(s)+1)
				copy(next, s)
				return append(next, in.Value), ContainerOutput{}
			case ContainerTake:
				if len(s) == 0 {
					return s, ContainerOutput{}
				}
				if lifo {
					return s[:len(s)-1], ContainerOutput{Value: s[len(s)-1], OK: true}
				}
				return s[1:], ContainerOutput{Value: s[0], OK: true}
			default:
				return s, ContainerOutput{Len: len(s)}
			}
		},
		EqualState:  slices.Equal[[]int],
		EqualOutput: func(a, b ContainerOutput) bool { return a == b },
		Hash:        hashInts,
		FormatInput: func(in ContainerInput) string {
			switch in.Op {
			case ContainerPut:
				return fmt.Sprintf("%s(%d)", put, in.Value)
			case ContainerTake:
				return take + "()"
			default:
				return "Len()"
			}
		},
		FormatOutput: func(in ContainerInput, out ContainerOutput) string {
			switch in.Op {
			case ContainerPut:
				if out == (ContainerOutput{}) {
					return "ok"
				}
			case ContainerTake:
				switch {
				case out.Len != 0:
				case out.OK:
					return fmt.Sprint(out.Value)
				case out.Value == 0:
					return "empty"
				}
			case ContainerLen:
				if out.Value == 0 && !out.OK {
					return fmt.Sprint(out.Len)
				}
			}
			// Fields the operation does not return are set: show it all.
			return fmt.Sprintf("%+v", out)
		},
		FormatState: formatInts,
	}
}

// Stack specifies a LIFO stack of ints that starts empty: ContainerPut is
// Push, ContainerTake is Pop (OK false when empty), ContainerLen the number
// of elements.
func Stack() Model[[]int, ContainerInput, ContainerOutput] {
	return container("Push", "Pop", true)
}

// Queue specifies a FIFO queue of ints that starts empty: ContainerPut is
// Enqueue, ContainerTake is Dequeue (OK false when empty), ContainerLen the
// number of elements.
func Queue() Model[[]int, ContainerInput, ContainerOutput] {
	return container("Enqueue", "Dequeue", false)
}
