package linearize

import (
	"cmp"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
)

// greedy reports whether a greedy walk finds a linearization of ops: an
// order consistent with real time (an operation that returned before
// another was called comes first) in which every operation is a legal
// step of model from the state the ones before it left. It tries, at
// each step, the operations that may come next in the order of their
// calls and takes the first legal one, never going back.
//
// A true answer is exact: the order it found is a linearization, so
// porcupine would find the history linearizable too. A false answer
// proves nothing (an earlier choice may have been the wrong one), and
// Check then asks porcupine. Most histories of a correct type are
// linearized by this walk, at the cost of one model step per operation,
// where porcupine builds its entry lists and caches for every check.
//
// Like porcupine, it keeps to the check's time budget: past deadline it
// gives up (false), and porcupine, out of time too, finds the history
// undecided.
func greedy(model porcupine.Model, ops []porcupine.Operation, deadline time.Time) bool {
	if model.Step == nil || model.Init == nil {
		return false // a model of porcupine's context steps: porcupine decides
	}
	if model.Partition != nil {
		for _, part := range model.Partition(ops) {
			if !greedyPart(model, part, deadline) {
				return false
			}
		}
		return true
	}
	return greedyPart(model, ops, deadline)
}

// greedyPart is greedy on one partition of a history: it walks twice,
// trying the operations that may come next in the order of their returns
// (in a controlled execution, an operation that returned first mostly
// took effect first), then of their calls.
func greedyPart(model porcupine.Model, ops []porcupine.Operation, deadline time.Time) bool {
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
		key := func(i int) int64 { return ops[i].Call }
		if byReturn {
			key = func(i int) int64 { return ops[i].Return }
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(key(a), key(b)) })
		if walk(model, ops, order, deadline) {
			return true
		}
	}
	return false
}

// walk is one greedy walk over ops, trying them in the order given, which
// it consumes.
func walk(model porcupine.Model, ops []porcupine.Operation, order []int, deadline time.Time) bool {
	state := model.Init()
	for len(order) > 0 {
		// An operation may come next unless another one left returned
		// before it was called (intervals are closed, as in porcupine).
		minRet := ops[order[0]].Return
		for _, i := range order[1:] {
			minRet = min(minRet, ops[i].Return)
		}
		took := -1
		for k, i := range order {
			if ops[i].Call > minRet {
				continue
			}
			ok, next := model.Step(state, ops[i].Input, ops[i].Output)
			if time.Now().After(deadline) {
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
