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
// undecided. It reads the clock after its first step and every 16th,
// which costs less than a step of most models.
func greedy(model porcupine.Model, ops []porcupine.Operation, deadline time.Time) bool {
	b := &budget{deadline: deadline}
	if model.Step == nil || model.Init == nil {
		return false // a model of porcupine's context steps: porcupine decides
	}
	if model.Partition != nil {
		for _, part := range model.Partition(ops) {
			if !greedyPart(model, part, b) || b.out {
				return false
			}
		}
		return true
	}
	return greedyPart(model, ops, b)
}

// budget is the time a check may take, read every checkEvery steps.
type budget struct {
	deadline time.Time
	steps    int
	out      bool
}

const checkEvery = 16

// over counts a step and reports whether the time is up; once it is, it
// stays up, for every walk after.
func (b *budget) over() bool {
	b.steps++
	if !b.out && b.steps%checkEvery == 1 {
		b.out = time.Now().After(b.deadline)
	}
	return b.out
}

// greedyPart is greedy on one partition of a history: it walks twice,
// trying the operations that may come next in the order of their returns
// (in a controlled execution, an operation that returned first mostly
// took effect first), then of their calls.
func greedyPart(model porcupine.Model, ops []porcupine.Operation, b *budget) bool {
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
		if walk(model, ops, order, b) {
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
func walk(model porcupine.Model, ops []porcupine.Operation, order []int, b *budget) bool {
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
