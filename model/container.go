package model

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
)

// ContainerOp names an operation of a stack or a queue.
type ContainerOp uint8

// The container operations. Put is Push on a stack and Enqueue on a queue;
// Take is Pop or Dequeue.
const (
	Put ContainerOp = iota
	Take
	Len
)

// ContainerInput is one stack or queue operation.
type ContainerInput struct {
	Op    ContainerOp
	Value int // with Put
}

// ContainerOutput is what a stack or queue operation returned: the value
// taken and whether there was one (Take), or the length (Len). Put returns
// nothing and its output is the zero value.
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
// and in which end Take reads.
func container(put, take string, lifo bool) Model[[]int, ContainerInput, ContainerOutput] {
	return Model[[]int, ContainerInput, ContainerOutput]{
		Init: func() []int { return nil },
		Apply: func(s []int, in ContainerInput) ([]int, ContainerOutput) {
			switch in.Op {
			case Put:
				next := make([]int, len(s), len(s)+1)
				copy(next, s)
				return append(next, in.Value), ContainerOutput{}
			case Take:
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
			case Put:
				return fmt.Sprintf("%s(%d)", put, in.Value)
			case Take:
				return take + "()"
			default:
				return "Len()"
			}
		},
		FormatOutput: func(in ContainerInput, out ContainerOutput) string {
			switch {
			case in.Op == Len:
				return fmt.Sprint(out.Len)
			case in.Op == Put:
				return "ok"
			case out.OK:
				return fmt.Sprint(out.Value)
			}
			return "empty"
		},
		FormatState: formatInts,
	}
}

// Stack specifies a LIFO stack of ints that starts empty: Put is Push,
// Take is Pop (OK false when empty), Len the number of elements.
func Stack() Model[[]int, ContainerInput, ContainerOutput] {
	return container("Push", "Pop", true)
}

// Queue specifies a FIFO queue of ints that starts empty: Put is Enqueue,
// Take is Dequeue (OK false when empty), Len the number of elements.
func Queue() Model[[]int, ContainerInput, ContainerOutput] {
	return container("Enqueue", "Dequeue", false)
}
