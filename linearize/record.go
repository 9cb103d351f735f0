package linearize

import (
	"fmt"
	"sync/atomic"

	"github.com/interleave-go/interleave/model"
)

// Operation is one operation of a history.
type Operation struct {
	Thread int
	Input  any
	// Output is what the operation returned; nil when Pending.
	Output any
	// Call and Return are logical stamps from the recorder's clock. Return
	// is 0 when Pending.
	Call, Return int64
	// Pending is true when the operation was called but never returned.
	Pending bool
}

// Recorder records the operations of a fixed set of threads.
//
// Lane i must be used by one goroutine at a time (thread i), and each lane
// holds at most the capacity it was created with. Recording is safe for
// concurrent use across lanes, and History is safe to call at any time.
type Recorder = TypedRecorder[any, any]

// TypedRecorder is a Recorder of inputs I and outputs O, which it keeps
// in their own types: recording boxes nothing, History boxes what it
// returns, and Returned gives the operations unboxed, for a model's fast
// check ([model.Model.Linearizes]).
type TypedRecorder[I, O any] struct {
	clock atomic.Int64
	lanes []lane[I, O]
	// few holds the lanes of a recorder of a few threads, so that one
	// is two allocations: a controlled search makes one per execution.
	few [4]lane[I, O]
}

type lane[I, O any] struct {
	slots []slot[I, O]
	n     atomic.Int32 // slots published so far
	_     [48]byte     // keep lanes of different threads off one cache line
}

type slot[I, O any] struct {
	input     I
	output    O
	call, ret int64
	done      atomic.Bool
}

// NewRecorder returns a recorder with one lane per entry of capacity,
// lane i holding up to capacity[i] operations.
func NewRecorder(capacity []int) *Recorder { return NewTypedRecorder[any, any](capacity) }

// NewTypedRecorder is NewRecorder for inputs I and outputs O.
func NewTypedRecorder[I, O any](capacity []int) *TypedRecorder[I, O] {
	r := &TypedRecorder[I, O]{}
	if len(capacity) <= len(r.few) {
		r.lanes = r.few[:len(capacity)]
	} else {
		r.lanes = make([]lane[I, O], len(capacity))
	}
	n := 0
	for _, c := range capacity {
		n += c
	}
	// One array for every lane's slots; lanes of different threads share
	// cache lines only at their ends.
	slots := make([]slot[I, O], n)
	for i, c := range capacity {
		r.lanes[i].slots = slots[:c:c]
		slots = slots[c:]
	}
	return r
}

// Call records that thread calls an operation with input, and returns the
// operation's index in its lane, for Return. It panics if the lane is full.
func (r *TypedRecorder[I, O]) Call(thread int, input I) int {
	l := &r.lanes[thread]
	i := int(l.n.Load())
	if i >= len(l.slots) {
		panic(fmt.Sprintf("linearize: thread %d recorded more than its %d operations", thread, len(l.slots)))
	}
	s := &l.slots[i]
	s.input = input
	s.call = r.clock.Add(1)
	l.n.Store(int32(i + 1))
	return i
}

// Return records that operation i of thread returned output.
func (r *TypedRecorder[I, O]) Return(thread, i int, output O) {
	ret := r.clock.Add(1)
	s := &r.lanes[thread].slots[i]
	s.output, s.ret = output, ret
	s.done.Store(true)
}

// Now returns the current stamp: every operation called after Now returns
// has a larger call stamp.
func (r *TypedRecorder[I, O]) Now() int64 { return r.clock.Load() }

// History returns the operations recorded so far, lane by lane, in call
// order within a lane. Operations still running are Pending.
func (r *TypedRecorder[I, O]) History() []Operation {
	n := 0
	for t := range r.lanes {
		n += int(r.lanes[t].n.Load())
	}
	if n == 0 {
		return nil
	}
	h := make([]Operation, 0, n) // more if operations are called meanwhile
	for t := range r.lanes {
		l := &r.lanes[t]
		n := int(l.n.Load())
		for i := 0; i < n; i++ {
			s := &l.slots[i]
			op := Operation{Thread: t, Input: s.input, Call: s.call}
			if s.done.Load() {
				op.Output, op.Return = s.output, s.ret
			} else {
				op.Pending = true
			}
			h = append(h, op)
		}
	}
	return h
}

// Returned returns the operations recorded so far, unboxed, lane by
// lane, and whether every one of them returned (if not, it returns none).
func (r *TypedRecorder[I, O]) Returned() ([]model.Op[I, O], bool) {
	n := 0
	for t := range r.lanes {
		n += int(r.lanes[t].n.Load())
	}
	ops := make([]model.Op[I, O], 0, n)
	for t := range r.lanes {
		l := &r.lanes[t]
		for i := range min(int(l.n.Load()), n-len(ops)) {
			s := &l.slots[i]
			if !s.done.Load() {
				return nil, false
			}
			ops = append(ops, model.Op[I, O]{Input: s.input, Output: s.output, Call: s.call, Return: s.ret})
		}
	}
	return ops, true
}
