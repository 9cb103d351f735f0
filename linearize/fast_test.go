package linearize

import (
	"math"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
)

// genHistory draws a history of up to 3 threads of up to 4 operations
// each, made linearizable by construction (every operation takes effect,
// on the model, at a point between its call and its return), then, half
// the time, spoiled by replacing one output with a drawn one, which may
// make it not linearizable. A thread's last operation may be left pending.
func genHistory[S, I, O any](t *rapid.T, m model.Model[S, I, O], in *rapid.Generator[I], out *rapid.Generator[O]) []porcupine.Operation {
	type th struct {
		ops   []I
		next  int  // the operation to call next
		stage int  // 0 idle, 1 called, 2 took effect
		op    int  // its index in the history
		stop  bool // leave the current operation pending
	}
	n := rapid.IntRange(1, 3).Draw(t, "threads")
	threads := make([]*th, n)
	for i := range threads {
		threads[i] = &th{ops: rapid.SliceOfN(in, 1, 4).Draw(t, "ops")}
	}
	var h []porcupine.Operation
	state := m.Init()
	var clock int64
	for {
		var live []int
		for i, x := range threads {
			if (x.next < len(x.ops) || x.stage != 0) && !x.stop {
				live = append(live, i)
			}
		}
		if len(live) == 0 {
			break
		}
		i := live[rapid.IntRange(0, len(live)-1).Draw(t, "thread")]
		x := threads[i]
		clock++
		switch x.stage {
		case 0:
			x.op = len(h)
			h = append(h, porcupine.Operation{ClientId: i, Input: x.ops[x.next], Call: clock, Return: math.MaxInt64})
			x.next++
			x.stage = 1
		case 1:
			next, o := m.Apply(state, h[x.op].Input.(I))
			state = next
			h[x.op].Output = o
			x.stage = 2
		case 2:
			if x.next == len(x.ops) && rapid.IntRange(0, 5).Draw(t, "pending") == 0 {
				// Pending: it took effect but never returned.
				h[x.op].Output = nil
				x.stop = true
				continue
			}
			h[x.op].Return = clock
			x.stage = 0
		}
	}
	if rapid.Bool().Draw(t, "spoil") {
		k := rapid.IntRange(0, len(h)-1).Draw(t, "spoiled")
		if h[k].Output != nil {
			h[k].Output = out.Draw(t, "output")
		}
	}
	return h
}

// Inputs and outputs of a stack and a counter, for random histories.
var (
	small   = rapid.IntRange(1, 3)
	stackIn = rapid.Custom(func(t *rapid.T) model.ContainerInput {
		return model.ContainerInput{Op: model.ContainerOp(rapid.IntRange(0, 2).Draw(t, "op")), Value: small.Draw(t, "v")}
	})
	stackOut = rapid.Custom(func(t *rapid.T) model.ContainerOutput {
		return model.ContainerOutput{Value: small.Draw(t, "v"), OK: rapid.Bool().Draw(t, "ok")}
	})
	counterIn = rapid.Custom(func(t *rapid.T) model.CounterInput {
		return model.CounterInput{Op: model.CounterOp(rapid.IntRange(0, 1).Draw(t, "op")), Delta: int64(small.Draw(t, "d"))}
	})
	counterOut = rapid.Custom(func(t *rapid.T) model.CounterOutput {
		return model.CounterOutput{Value: int64(rapid.IntRange(0, 6).Draw(t, "v"))}
	})
)

// agree checks that greedy's linearizable is porcupine's, counting the
// verdicts in seen: [greedy found one, porcupine ok, porcupine illegal].
func agree(t *rapid.T, pm porcupine.Model, h []porcupine.Operation, seen *[3]int) {
	fast := greedy(pm, h, time.Now().Add(time.Minute))
	res := porcupine.CheckOperations(pm, h)
	if fast {
		seen[0]++
		if !res {
			t.Fatalf("greedy found a linearization porcupine rejects: %+v", h)
		}
	}
	if res {
		seen[1]++
	} else {
		seen[2]++
	}
}

// TestGreedyAgrees: whenever the greedy walk finds a linearization,
// porcupine finds the history linearizable, on random histories of a
// stack, a counter and a set (partitioned), linearizable and not. The
// test fails if the generator stops producing either kind, or histories
// the walk linearizes.
func TestGreedyAgrees(t *testing.T) {
	stack, err := model.Stack().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	counter, err := model.Counter().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	set, err := model.Set().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	setIn := rapid.Custom(func(t *rapid.T) model.SetInput {
		return model.SetInput{Op: model.SetOp(rapid.IntRange(0, 2).Draw(t, "op")), Value: small.Draw(t, "v")}
	})
	setOut := rapid.Custom(func(t *rapid.T) model.SetOutput { return model.SetOutput{OK: rapid.Bool().Draw(t, "ok")} })

	for _, c := range []struct {
		name string
		pm   porcupine.Model
		gen  func(*rapid.T) []porcupine.Operation
	}{
		{"stack", stack, func(t *rapid.T) []porcupine.Operation { return genHistory(t, model.Stack(), stackIn, stackOut) }},
		{"counter", counter, func(t *rapid.T) []porcupine.Operation { return genHistory(t, model.Counter(), counterIn, counterOut) }},
		{"set", set, func(t *rapid.T) []porcupine.Operation { return genHistory(t, model.Set().Model, setIn, setOut) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var seen [3]int
			rapid.Check(t, func(t *rapid.T) { agree(t, c.pm, c.gen(t), &seen) })
			if seen[0] == 0 || seen[1] == 0 || seen[2] == 0 {
				t.Errorf("the generator covered too little: %d linearized by the walk, %d linearizable, %d not", seen[0], seen[1], seen[2])
			}
			t.Logf("%d linearized by the walk, %d linearizable, %d not", seen[0], seen[1], seen[2])
		})
	}
}

// TestGreedyExactOnSequential: on a history whose operations do not
// overlap, only one order is consistent with real time, and the walk
// tries it: its answer is porcupine's both ways.
func TestGreedyExactOnSequential(t *testing.T) {
	pm, err := model.Stack().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 8).Draw(t, "n")
		h := make([]porcupine.Operation, n)
		for i := range h {
			in := model.ContainerInput{Op: model.ContainerOp(rapid.IntRange(0, 2).Draw(t, "op")), Value: rapid.IntRange(1, 2).Draw(t, "v")}
			out := model.ContainerOutput{Value: rapid.IntRange(0, 2).Draw(t, "out"), OK: rapid.Bool().Draw(t, "ok"), Len: rapid.IntRange(0, 2).Draw(t, "len")}
			h[i] = porcupine.Operation{ClientId: rapid.IntRange(0, 2).Draw(t, "thread"), Input: in, Output: out, Call: int64(2 * i), Return: int64(2*i + 1)}
		}
		if fast, res := greedy(pm, h, time.Now().Add(time.Minute)), porcupine.CheckOperations(pm, h); fast != res {
			t.Fatalf("greedy %v, porcupine %v on %+v", fast, res, h)
		}
	})
}

// TestGreedyKeepsToBudget: past the deadline the walk gives up, even on a
// history it would linearize, however many walks and partitions are
// left, so that a model slower than the budget gives Undecided, never a
// verdict that took longer than allowed.
func TestGreedyKeepsToBudget(t *testing.T) {
	for _, m := range []model.Sequential[model.SetInput, model.SetOutput]{model.Set(), model.Set().Model} {
		pm, err := m.Porcupine()
		if err != nil {
			t.Fatal(err)
		}
		var h []porcupine.Operation
		for i := range 40 {
			in := model.SetInput{Op: model.SetContains, Value: i % 3}
			h = append(h, porcupine.Operation{ClientId: 0, Input: in, Output: model.SetOutput{}, Call: int64(2 * i), Return: int64(2*i + 1)})
		}
		if !greedy(pm, h, time.Now().Add(time.Minute)) {
			t.Fatal("the walk does not linearize a sequential history")
		}
		if greedy(pm, h, time.Now().Add(-time.Second)) {
			t.Fatal("the walk went on past its deadline")
		}
		slow := pm
		slow.Step = func(s, in, out any) (bool, any) {
			time.Sleep(time.Millisecond)
			return pm.Step(s, in, out)
		}
		if res, err := Check(slow, fromPorcupine(h), Config{Timeout: time.Microsecond}); err != nil || res.Verdict != Undecided {
			t.Fatalf("slow model, 1µs budget: %v %v, want undecided", res.Verdict, err)
		}
	}
}

// fromPorcupine is toPorcupine's inverse, for histories without pending
// operations.
func fromPorcupine(ops []porcupine.Operation) []Operation {
	h := make([]Operation, len(ops))
	for i, op := range ops {
		h[i] = Operation{Thread: op.ClientId, Input: op.Input, Output: op.Output, Call: op.Call, Return: op.Return}
	}
	return h
}

// TestTypedGreedyAgrees: a model's walk on its own types
// (model.Model.Linearizes, the fast path of package stress) answers as
// the walk on porcupine's boxed operations does, on every random history
// whose operations all returned, and never finds a linearization
// porcupine rejects.
func TestTypedGreedyAgrees(t *testing.T) {
	t.Run("stack", func(t *testing.T) { typedAgrees(t, model.Stack(), stackIn, stackOut) })
	t.Run("counter", func(t *testing.T) { typedAgrees(t, model.Counter(), counterIn, counterOut) })
}

func typedAgrees[S, I, O any](t *testing.T, m model.Model[S, I, O], in *rapid.Generator[I], out *rapid.Generator[O]) {
	pm, err := m.Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	var found, rejected int
	rapid.Check(t, func(t *rapid.T) {
		h := genHistory(t, m, in, out)
		ops := make([]model.Op[I, O], 0, len(h))
		for _, op := range h {
			if op.Output == nil {
				return // pending: the fast path is for histories that ended
			}
			ops = append(ops, model.Op[I, O]{Input: op.Input.(I), Output: op.Output.(O), Call: op.Call, Return: op.Return})
		}
		typed := m.Linearizes(ops, time.Now().Add(time.Minute))
		if boxed := greedy(pm, h, time.Now().Add(time.Minute)); typed != boxed {
			t.Fatalf("typed walk %v, boxed walk %v on %+v", typed, boxed, h)
		}
		if typed && !porcupine.CheckOperations(pm, h) {
			t.Fatalf("the typed walk found a linearization porcupine rejects: %+v", h)
		}
		if typed {
			found++
		} else {
			rejected++
		}
	})
	if found == 0 || rejected == 0 {
		t.Errorf("the generator covered too little: %d linearized by the walk, %d not", found, rejected)
	}
	if m.Linearizes(nil, time.Now().Add(-time.Second)) != true {
		t.Error("an empty history is linearizable")
	}
}
