package model_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

func TestKVApply(t *testing.T) {
	m := model.KV().Model
	s := m.Init()
	steps := []struct {
		in   model.KVInput
		want model.KVOutput
	}{
		{model.KVInput{Op: model.KVLoad, Key: "a"}, model.KVOutput{}},
		{model.KVInput{Op: model.KVCompareAndSwap, Key: "a", Old: 0, Value: 1}, model.KVOutput{OK: false}},
		{model.KVInput{Op: model.KVLoadOrStore, Key: "a", Value: 2}, model.KVOutput{Value: 2, OK: false}},
		{model.KVInput{Op: model.KVLoadOrStore, Key: "a", Value: 3}, model.KVOutput{Value: 2, OK: true}},
		{model.KVInput{Op: model.KVCompareAndSwap, Key: "a", Old: 2, Value: 4}, model.KVOutput{OK: true}},
		{model.KVInput{Op: model.KVLoad, Key: "a"}, model.KVOutput{Value: 4, OK: true}},
		{model.KVInput{Op: model.KVDelete, Key: "a"}, model.KVOutput{OK: true}},
		{model.KVInput{Op: model.KVDelete, Key: "a"}, model.KVOutput{OK: false}},
		{model.KVInput{Op: model.KVStore, Key: "a", Value: 5}, model.KVOutput{}},
		{model.KVInput{Op: model.KVLoad, Key: "a"}, model.KVOutput{Value: 5, OK: true}},
	}
	for _, st := range steps {
		var got model.KVOutput
		s, got = m.Apply(s, st.in)
		if got != st.want {
			t.Fatalf("%v -> %+v, want %+v", st.in, got, st.want)
		}
	}
}

// mutexMap and syncMap are correct concurrent maps with the model's
// operations.
type kvMap interface {
	do(in model.KVInput) model.KVOutput
}

type mutexMap struct {
	mu sync.Mutex
	m  map[string]int
}

func (m *mutexMap) do(in model.KVInput) model.KVOutput {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[in.Key]
	switch in.Op {
	case model.KVStore:
		m.m[in.Key] = in.Value
		return model.KVOutput{}
	case model.KVDelete:
		delete(m.m, in.Key)
		return model.KVOutput{OK: ok}
	case model.KVCompareAndSwap:
		if ok && v == in.Old {
			m.m[in.Key] = in.Value
			return model.KVOutput{OK: true}
		}
		return model.KVOutput{}
	case model.KVLoadOrStore:
		if !ok {
			m.m[in.Key] = in.Value
			return model.KVOutput{Value: in.Value}
		}
	}
	return model.KVOutput{Value: v, OK: ok}
}

type syncMap struct{ m sync.Map }

func (m *syncMap) do(in model.KVInput) model.KVOutput {
	switch in.Op {
	case model.KVStore:
		m.m.Store(in.Key, in.Value)
		return model.KVOutput{}
	case model.KVDelete:
		_, ok := m.m.LoadAndDelete(in.Key)
		return model.KVOutput{OK: ok}
	case model.KVCompareAndSwap:
		return model.KVOutput{OK: m.m.CompareAndSwap(in.Key, in.Old, in.Value)}
	case model.KVLoadOrStore:
		v, ok := m.m.LoadOrStore(in.Key, in.Value)
		return model.KVOutput{Value: v.(int), OK: ok}
	}
	v, ok := m.m.Load(in.Key)
	if !ok {
		return model.KVOutput{}
	}
	return model.KVOutput{Value: v.(int), OK: true}
}

// kvHistory runs threads x ops random operations over keys on m, in
// parallel, and returns the recorded history.
func kvHistory(m kvMap, threads, ops int, keys []string, seed uint64) []linearize.Operation {
	caps := make([]int, threads+1)
	for i := 1; i <= threads; i++ {
		caps[i] = ops
	}
	rec := linearize.NewRecorder(caps)
	var wg sync.WaitGroup
	for th := 1; th <= threads; th++ {
		rng := rand.New(rand.NewPCG(seed, uint64(th)))
		inputs := make([]model.KVInput, ops)
		for i := range inputs {
			inputs[i] = model.KVInput{Op: model.KVOp(rng.IntN(5)), Key: keys[rng.IntN(len(keys))], Value: rng.IntN(4), Old: rng.IntN(4)}
		}
		wg.Go(func() {
			for _, in := range inputs {
				i := rec.Call(th, in)
				out := m.do(in)
				rec.Return(th, i, out)
			}
		})
	}
	wg.Wait()
	return rec.History()
}

// TestKVDecidesLongHistories checks histories of 8 threads x 50
// operations over 4 keys, from correct maps: each is decided (Ok) within
// linearize's default budget, because it is checked key by key. A
// corrupted copy of the same history is not linearizable: the check is not a
// rubber stamp.
func TestKVDecidesLongHistories(t *testing.T) {
	pm, err := model.KV().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"a", "b", "c", "d"}
	for _, c := range []struct {
		name string
		m    func() kvMap
	}{
		{"mutex", func() kvMap { return &mutexMap{m: map[string]int{}} }},
		{"sync.Map", func() kvMap { return new(syncMap) }},
	} {
		for seed := range uint64(3) {
			h := kvHistory(c.m(), 8, 50, keys, seed)
			res, err := linearize.Check(pm, h, linearize.Config{})
			if err != nil || res.Verdict != linearize.Linearizable {
				t.Fatalf("%s, seed %d: %v (%v) after %v, want ok", c.name, seed, res.Verdict, err, res.Elapsed)
			}
			// A load that returns a value no one ever stored.
			for i, op := range h {
				if in := op.Input.(model.KVInput); in.Op == model.KVLoad {
					h[i].Output = model.KVOutput{Value: 99, OK: true}
					break
				}
			}
			res, err = linearize.Check(pm, h, linearize.Config{})
			if err != nil || res.Verdict != linearize.NotLinearizable {
				t.Fatalf("%s, seed %d, corrupted: %v (%v), want illegal", c.name, seed, res.Verdict, err)
			}
		}
	}
}
