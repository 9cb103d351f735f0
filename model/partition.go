package model

import (
	"github.com/anishathalye/porcupine"
)

// Partitioned is a [Model] whose operations on different keys are
// independent: a history is linearizable if and only if the operations of
// each key, taken apart, are. The checker then decides each key on its
// own, which is what keeps long histories checkable: its cost grows
// exponentially with the operations in flight together, and splitting by
// key divides them.
//
// The Model then only ever sees the operations of one key, starting from
// Init: its state is that of a single key.
type Partitioned[S, I, O any, K comparable] struct {
	Model[S, I, O]
	// Key returns the key an operation touches. Required.
	Key func(in I) K
}

// Porcupine implements [Sequential]: the model of m, with porcupine's
// Partition set to split a history by key, in the order keys first
// appear.
func (m Partitioned[S, I, O, K]) Porcupine() (porcupine.Model, error) {
	pm, err := m.Model.Porcupine()
	if err != nil {
		return pm, err
	}
	key := m.Key
	pm.Partition = func(h []porcupine.Operation) [][]porcupine.Operation {
		index := map[K]int{}
		var parts [][]porcupine.Operation
		for _, op := range h {
			k := key(op.Input.(I))
			i, ok := index[k]
			if !ok {
				i = len(parts)
				index[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], op)
		}
		return parts
	}
	return pm, nil
}
