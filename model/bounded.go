package model

import (
	"fmt"
	"slices"
)

// BoundedOp names an operation of a bounded FIFO queue of ints, like a
// buffered channel.
type BoundedOp uint8

// The bounded queue operations.
const (
	// BoundedPut adds Value at the back, waiting while the queue is full
	// (a channel send).
	BoundedPut BoundedOp = iota
	// BoundedOffer adds Value if there is room, and reports whether it
	// did (a send in a select with a default).
	BoundedOffer
	// BoundedTake removes the front value, waiting while the queue is
	// empty (a channel receive).
	BoundedTake
	// BoundedPoll removes the front value if there is one (a receive in a
	// select with a default).
	BoundedPoll
	// BoundedLen returns the number of values.
	BoundedLen
)

// BoundedInput is one bounded queue operation.
type BoundedInput struct {
	Op    BoundedOp
	Value int // with BoundedPut and BoundedOffer
}

// String formats the input as a call: Put(3), Take().
func (in BoundedInput) String() string {
	name := [...]string{"Put", "Offer", "Take", "Poll", "Len"}[in.Op]
	if in.Op == BoundedPut || in.Op == BoundedOffer {
		return fmt.Sprintf("%s(%d)", name, in.Value)
	}
	return name + "()"
}

// BoundedOutput is what a bounded queue operation returned: the value
// taken (BoundedTake, BoundedPoll), whether there was room or a value
// (BoundedOffer, BoundedPoll: OK), or the length (BoundedLen).
type BoundedOutput struct {
	Value int
	OK    bool
	Len   int
}

// BoundedQueue specifies a FIFO queue of ints that holds at most capacity
// values and starts empty. Put and Take wait: a history where one returns
// is legal only if it took effect when the queue had room (a value), and
// one that never returned may have taken effect or not. A Put blocked on a
// full queue and a Take blocked on an empty one are legal ends of an
// execution (Blocks).
func BoundedQueue(capacity int) Model[[]int, BoundedInput, BoundedOutput] {
	put := func(s []int, v int) []int { return append(slices.Clip(s), v) }
	return Model[[]int, BoundedInput, BoundedOutput]{
		Init: func() []int { return nil },
		Step: func(s []int, in BoundedInput, out BoundedOutput) (bool, []int) {
			room, some := len(s) < capacity, len(s) > 0
			switch in.Op {
			case BoundedPut:
				return room, put(s, in.Value)
			case BoundedOffer:
				if room {
					return out == BoundedOutput{OK: true}, put(s, in.Value)
				}
				return out == BoundedOutput{}, s
			case BoundedTake:
				return some && out == BoundedOutput{Value: s[0], OK: true}, s[min(1, len(s)):]
			case BoundedPoll:
				if some {
					return out == BoundedOutput{Value: s[0], OK: true}, s[1:]
				}
				return out == BoundedOutput{}, s
			}
			return out == BoundedOutput{Len: len(s)}, s
		},
		Pending: func(s []int, in BoundedInput) []int {
			switch {
			case (in.Op == BoundedPut || in.Op == BoundedOffer) && len(s) < capacity:
				return put(s, in.Value)
			case (in.Op == BoundedTake || in.Op == BoundedPoll) && len(s) > 0:
				return s[1:]
			}
			return s
		},
		Blocks: func(s []int, in BoundedInput) bool {
			return in.Op == BoundedPut && len(s) >= capacity || in.Op == BoundedTake && len(s) == 0
		},
		EqualState: slices.Equal[[]int],
		Hash:       hashInts,
		FormatOutput: func(in BoundedInput, out BoundedOutput) string {
			switch in.Op {
			case BoundedPut:
				return "ok"
			case BoundedOffer:
				return fmt.Sprint(out.OK)
			case BoundedLen:
				return fmt.Sprint(out.Len)
			case BoundedPoll:
				if !out.OK {
					return "empty"
				}
			}
			return fmt.Sprint(out.Value)
		},
		FormatState: formatInts,
	}
}

// SemaphoreOp names an operation of a counting semaphore.
type SemaphoreOp uint8

// The semaphore operations.
const (
	// SemaphoreAcquire takes a permit, waiting while there is none.
	SemaphoreAcquire SemaphoreOp = iota
	// SemaphoreTryAcquire takes a permit if there is one, and reports
	// whether it did.
	SemaphoreTryAcquire
	// SemaphoreRelease gives a permit back, and reports whether one was
	// held.
	SemaphoreRelease
)

// SemaphoreInput is one semaphore operation.
type SemaphoreInput struct{ Op SemaphoreOp }

// String formats the input as a call: Acquire().
func (in SemaphoreInput) String() string {
	return [...]string{"Acquire", "TryAcquire", "Release"}[in.Op] + "()"
}

// SemaphoreOutput is whether TryAcquire took a permit or Release gave one
// back; Acquire returns the zero value.
type SemaphoreOutput struct{ OK bool }

// String formats the output as true or false.
func (out SemaphoreOutput) String() string { return fmt.Sprint(out.OK) }

// Semaphore specifies a counting semaphore with n permits, all free at
// first. Its state is the number of permits held. An Acquire that returned
// took a free permit; one that never returned may have or not.
func Semaphore(n int) Model[int, SemaphoreInput, SemaphoreOutput] {
	return Model[int, SemaphoreInput, SemaphoreOutput]{
		Init: func() int { return 0 },
		Step: func(held int, in SemaphoreInput, out SemaphoreOutput) (bool, int) {
			switch in.Op {
			case SemaphoreAcquire:
				return held < n && !out.OK, held + 1
			case SemaphoreTryAcquire:
				if held < n {
					return out.OK, held + 1
				}
				return !out.OK, held
			}
			if held > 0 {
				return out.OK, held - 1
			}
			return !out.OK, held
		},
		Pending: func(held int, in SemaphoreInput) int {
			switch {
			case in.Op != SemaphoreRelease && held < n:
				return held + 1
			case in.Op == SemaphoreRelease && held > 0:
				return held - 1
			}
			return held
		},
		EqualState: func(a, b int) bool { return a == b },
		FormatOutput: func(in SemaphoreInput, out SemaphoreOutput) string {
			if in.Op == SemaphoreAcquire {
				return "ok"
			}
			return out.String()
		},
	}
}
