// Package greedy looks for a linearization of a history with a greedy
// walk, without search: the fast path of a linearizability check, shared
// by package linearize (on porcupine's untyped operations) and package
// model (on a model's own types, which boxes nothing).
package greedy

import (
	"cmp"
	"slices"
	"time"
)

// Budget is the time a check may take, read every checkEvery steps.
type Budget struct {
	Deadline time.Time
	steps    int
	out      bool
}

const checkEvery = 16

// Out reports whether the time ran out.
func (b *Budget) Out() bool { return b.out }

// over counts a step and reports whether the time is up; once it is, it
// stays up, for every walk after.
func (b *Budget) over() bool {
	b.steps++
	if !b.out && b.steps%checkEvery == 1 {
		b.out = time.Now().After(b.Deadline)
	}
	return b.out
}

// Linearizes reports whether a greedy walk finds a linearization of ops:
// an order consistent with real time (an operation that returned before
// another was called comes first; intervals are closed, as in porcupine)
// in which every operation is a legal step from the state the ones
// before it left. call and ret give an operation's stamps, init the
// first state, and step whether an operation is legal from a state, and
// the state after it.
//
// It walks twice, trying at each step the operations that may come next
// in the order of their returns (in a controlled execution, an operation
// that returned first mostly took effect first), then of their calls,
// and takes the first legal one, never going back.
//
// A true answer is exact: the order found is a linearization. A false
// answer proves nothing (an earlier choice may have been the wrong one).
// Past b's deadline it gives up (false); it reads the clock after its
// first step and every 16th, which costs less than a step of most
// models.
func Linearizes[S, T any](ops []T, call, ret func(*T) int64, init func() S, step func(S, *T) (bool, S), b *Budget) bool {
	var small [32]int
	order := small[:0]
	if len(ops) > len(small) {
		order = make([]int, 0, len(ops))
	}
	for _, byReturn := range [...]bool{true, false} {
		order = order[:0]
		for i := range ops {
			order = append(order, i)
		}
		key := call
		if byReturn {
			key = ret
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(key(&ops[a]), key(&ops[b])) })
		if walk(ops, order, call, ret, init, step, b) {
			return true
		}
		if b.out {
			return false
		}
	}
	return false
}

// walk is one greedy walk over ops, trying them in the order given, which
// it consumes.
func walk[S, T any](ops []T, order []int, call, ret func(*T) int64, init func() S, step func(S, *T) (bool, S), b *Budget) bool {
	state := init()
	for len(order) > 0 {
		// An operation may come next unless another one left returned
		// before it was called.
		minRet := ret(&ops[order[0]])
		for _, i := range order[1:] {
			minRet = min(minRet, ret(&ops[i]))
		}
		took := -1
		for k, i := range order {
			if call(&ops[i]) > minRet {
				continue
			}
			ok, next := step(state, &ops[i])
			if b.over() {
				return false
			}
			if ok {
				state, took = next, k
				break
			}
		}
		if took < 0 {
			return false
		}
		order = slices.Delete(order, took, took+1)
	}
	return true
}
