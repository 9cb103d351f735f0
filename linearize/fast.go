package linearize

import (
	"time"

	"github.com/anishathalye/porcupine"

	walk "github.com/interleave-go/interleave/internal/greedy"
)

// greedy reports whether a greedy walk finds a linearization of ops (see
// package internal/greedy): an order consistent with real time in which
// every operation is a legal step of model from the state the ones
// before it left.
//
// A true answer is exact: the order it found is a linearization, so
// porcupine would find the history linearizable too. A false answer
// proves nothing, and Check then asks porcupine. Most histories of a
// correct type are linearized by this walk, at the cost of one model
// step per operation, where porcupine builds its entry lists and caches
// for every check.
//
// Like porcupine, it keeps to the check's time budget: past deadline it
// gives up (false), and porcupine, out of time too, finds the history
// undecided.
func greedy(model porcupine.Model, ops []porcupine.Operation, deadline time.Time) bool {
	b := &walk.Budget{Deadline: deadline}
	if model.Step == nil || model.Init == nil {
		return false // a model of porcupine's context steps: porcupine decides
	}
	if model.Partition != nil {
		for _, part := range model.Partition(ops) {
			if !greedyPart(model, part, b) || b.Out() {
				return false
			}
		}
		return true
	}
	return greedyPart(model, ops, b)
}

func greedyPart(model porcupine.Model, ops []porcupine.Operation, b *walk.Budget) bool {
	return walk.Linearizes(ops,
		func(op *porcupine.Operation) int64 { return op.Call },
		func(op *porcupine.Operation) int64 { return op.Return },
		model.Init,
		func(s any, op *porcupine.Operation) (bool, any) { return model.Step(s, op.Input, op.Output) },
		b)
}
