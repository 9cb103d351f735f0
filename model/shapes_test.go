package model_test

import (
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// hop is one operation of a hand-written history: thread, input, output
// (nil: never returned) and its interval.
func hop(thread int, in, out any, call, ret int64) linearize.Operation {
	return linearize.Operation{Thread: thread, Input: in, Output: out, Call: call, Return: ret, Pending: out == nil}
}

// TestShapes checks each model of a common concurrent type on small
// histories: one a correct type can produce (ok) and one it cannot
// (illegal), so that neither verdict is a rubber stamp.
func TestShapes(t *testing.T) {
	type (
		ri = model.RegisterInput
		ro = model.RegisterOutput
		pi = model.PairInput
		po = model.PairOutput
		si = model.SetInput
		so = model.SetOutput
		bi = model.BoundedInput
		bo = model.BoundedOutput
		mi = model.SemaphoreInput
		mo = model.SemaphoreOutput
		li = model.LazyInput
		lo = model.LazyOutput
		oi = model.OnceInput
		oo = model.OnceOutput
		ki = model.KVInput
		ko = model.KVOutput
	)
	porc := func(m interface {
		Porcupine() (porcupine.Model, error)
	}) porcupine.Model {
		pm, err := m.Porcupine()
		if err != nil {
			t.Fatal(err)
		}
		return pm
	}
	cases := []struct {
		name string
		m    porcupine.Model
		h    []linearize.Operation
		want linearize.Verdict
	}{
		{"register/cas race", porc(model.Register()), []linearize.Operation{
			hop(1, ri{Op: model.RegisterCompareAndSwap, Old: 0, Value: 1}, ro{OK: true}, 0, 3),
			hop(2, ri{Op: model.RegisterCompareAndSwap, Old: 0, Value: 2}, ro{OK: false}, 1, 2),
			hop(0, ri{Op: model.RegisterLoad}, ro{Value: 1}, 4, 5),
		}, linearize.Linearizable},
		{"register/both swapped", porc(model.Register()), []linearize.Operation{
			hop(1, ri{Op: model.RegisterCompareAndSwap, Old: 0, Value: 1}, ro{OK: true}, 0, 3),
			hop(2, ri{Op: model.RegisterCompareAndSwap, Old: 0, Value: 2}, ro{OK: true}, 1, 2),
		}, linearize.NotLinearizable},
		{"register/swap", porc(model.Register()), []linearize.Operation{
			hop(1, ri{Op: model.RegisterStore, Value: 3}, ro{}, 0, 1),
			hop(1, ri{Op: model.RegisterSwap, Value: 4}, ro{Value: 3}, 2, 3),
		}, linearize.Linearizable},
		{"pair/whole", porc(model.Pair()), []linearize.Operation{
			hop(1, pi{Write: true, A: 1, B: 1}, po{}, 0, 3),
			hop(2, pi{}, po{A: 1, B: 1}, 1, 2),
		}, linearize.Linearizable},
		{"pair/torn", porc(model.Pair()), []linearize.Operation{
			hop(1, pi{Write: true, A: 1, B: 1}, po{}, 0, 3),
			hop(2, pi{}, po{A: 1, B: 0}, 1, 2),
		}, linearize.NotLinearizable},
		{"set/add twice", porc(model.Set()), []linearize.Operation{
			hop(1, si{Op: model.SetAdd, Value: 1}, so{OK: true}, 0, 3),
			hop(2, si{Op: model.SetAdd, Value: 1}, so{OK: false}, 1, 2),
			hop(2, si{Op: model.SetAdd, Value: 2}, so{OK: true}, 4, 5),
			hop(0, si{Op: model.SetContains, Value: 1}, so{OK: true}, 6, 7),
		}, linearize.Linearizable},
		{"set/both added", porc(model.Set()), []linearize.Operation{
			hop(1, si{Op: model.SetAdd, Value: 1}, so{OK: true}, 0, 3),
			hop(2, si{Op: model.SetAdd, Value: 1}, so{OK: true}, 1, 2),
			hop(2, si{Op: model.SetAdd, Value: 2}, so{OK: true}, 4, 5),
		}, linearize.NotLinearizable},
		{"kv/load or store", porc(model.KV()), []linearize.Operation{
			hop(1, ki{Op: model.KVLoadOrStore, Key: "a", Value: 1}, ko{Value: 1}, 0, 3),
			hop(2, ki{Op: model.KVLoadOrStore, Key: "a", Value: 2}, ko{Value: 1, OK: true}, 1, 2),
			hop(2, ki{Op: model.KVLoadOrStore, Key: "b", Value: 2}, ko{Value: 2}, 4, 5),
		}, linearize.Linearizable},
		{"kv/both stored", porc(model.KV()), []linearize.Operation{
			hop(1, ki{Op: model.KVLoadOrStore, Key: "a", Value: 1}, ko{Value: 1}, 0, 3),
			hop(2, ki{Op: model.KVLoadOrStore, Key: "a", Value: 2}, ko{Value: 2}, 1, 2),
		}, linearize.NotLinearizable},
		// A Put on a full queue returns only after a Take made room.
		{"bounded/put waits", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedPut, Value: 1}, bo{}, 0, 1),
			hop(1, bi{Op: model.BoundedPut, Value: 2}, bo{}, 2, 9),
			hop(2, bi{Op: model.BoundedTake}, bo{Value: 1, OK: true}, 3, 4),
			hop(2, bi{Op: model.BoundedPoll}, bo{Value: 2, OK: true}, 10, 11),
		}, linearize.Linearizable},
		{"bounded/over capacity", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedPut, Value: 1}, bo{}, 0, 1),
			hop(1, bi{Op: model.BoundedPut, Value: 2}, bo{}, 2, 3),
			hop(0, bi{Op: model.BoundedLen}, bo{Len: 2}, 4, 5),
		}, linearize.NotLinearizable},
		{"bounded/offer full", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedOffer, Value: 1}, bo{OK: true}, 0, 1),
			hop(0, bi{Op: model.BoundedOffer, Value: 2}, bo{OK: false}, 2, 3),
			hop(0, bi{Op: model.BoundedPoll}, bo{Value: 1, OK: true}, 4, 5),
			hop(0, bi{Op: model.BoundedPoll}, bo{}, 6, 7),
		}, linearize.Linearizable},
		// A Take that never returned, on a queue that stayed empty.
		{"bounded/pending take", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(1, bi{Op: model.BoundedTake}, nil, 0, 0),
			hop(2, bi{Op: model.BoundedLen}, bo{}, 1, 2),
		}, linearize.Linearizable},
		// Operations blocked at the end of an execution (model.Blocked),
		// placed after every completed one: legal only where Blocks holds.
		{"bounded/take blocked on empty", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedPut, Value: 1}, bo{}, 0, 1),
			hop(1, bi{Op: model.BoundedTake}, bo{Value: 1, OK: true}, 2, 3),
			hop(2, bi{Op: model.BoundedTake}, model.Blocked, 4, 5),
		}, linearize.Linearizable},
		{"bounded/take blocked with a value", porc(model.BoundedQueue(2)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedPut, Value: 1}, bo{}, 0, 1),
			hop(0, bi{Op: model.BoundedPut, Value: 2}, bo{}, 2, 3),
			hop(1, bi{Op: model.BoundedTake}, bo{Value: 1, OK: true}, 0, 4),
			hop(2, bi{Op: model.BoundedTake}, model.Blocked, 5, 6),
		}, linearize.NotLinearizable},
		{"bounded/put blocked on full", porc(model.BoundedQueue(1)), []linearize.Operation{
			hop(0, bi{Op: model.BoundedPut, Value: 1}, bo{}, 0, 1),
			hop(1, bi{Op: model.BoundedPut, Value: 2}, model.Blocked, 2, 3),
		}, linearize.Linearizable},
		{"semaphore/two of two", porc(model.Semaphore(2)), []linearize.Operation{
			hop(1, mi{Op: model.SemaphoreAcquire}, mo{}, 0, 3),
			hop(2, mi{Op: model.SemaphoreTryAcquire}, mo{OK: true}, 1, 2),
			hop(0, mi{Op: model.SemaphoreTryAcquire}, mo{OK: false}, 4, 5),
			hop(0, mi{Op: model.SemaphoreRelease}, mo{OK: true}, 6, 7),
		}, linearize.Linearizable},
		{"semaphore/three of two", porc(model.Semaphore(2)), []linearize.Operation{
			hop(1, mi{Op: model.SemaphoreAcquire}, mo{}, 0, 3),
			hop(2, mi{Op: model.SemaphoreTryAcquire}, mo{OK: true}, 1, 2),
			hop(0, mi{Op: model.SemaphoreTryAcquire}, mo{OK: true}, 4, 5),
		}, linearize.NotLinearizable},
		{"lazy/first wins", porc(model.Lazy()), []linearize.Operation{
			hop(1, li{Value: 1}, lo{Value: 2}, 0, 3),
			hop(2, li{Value: 2}, lo{Value: 2}, 1, 2),
		}, linearize.Linearizable},
		{"lazy/two values", porc(model.Lazy()), []linearize.Operation{
			hop(1, li{Value: 1}, lo{Value: 1}, 0, 3),
			hop(2, li{Value: 2}, lo{Value: 2}, 1, 2),
		}, linearize.NotLinearizable},
		{"once/one ran", porc(model.Once()), []linearize.Operation{
			hop(1, oi{}, oo{Ran: false}, 0, 3),
			hop(2, oi{}, oo{Ran: true}, 1, 2),
		}, linearize.Linearizable},
		{"once/twice", porc(model.Once()), []linearize.Operation{
			hop(1, oi{}, oo{Ran: true}, 0, 3),
			hop(2, oi{}, oo{Ran: true}, 1, 2),
		}, linearize.NotLinearizable},
	}
	for _, c := range cases {
		res, err := linearize.Check(c.m, c.h, linearize.Config{})
		if err != nil || res.Verdict != c.want {
			t.Errorf("%s: %v (%v), want %v", c.name, res.Verdict, err, c.want)
		}
	}
}
