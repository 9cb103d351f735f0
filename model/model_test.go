package model_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/model"
)

// A history test is a history of operations and whether the model must
// accept it.
type historyTest struct {
	name    string
	history []porcupine.Operation
	legal   bool
}

// call is one operation of a single-threaded history: its input and its
// output, or a nil output for an operation that never returned.
type call struct{ in, out any }

// sequential builds a history in which the calls run one after the other,
// call i over the stamps [2i, 2i+1]. A call with a nil output never
// returned: it gets the return stamp math.MaxInt64, as package linearize
// gives it, and so overlaps every later call.
func sequential(calls ...call) []porcupine.Operation {
	ops := make([]porcupine.Operation, len(calls))
	for i, c := range calls {
		ret := int64(2*i + 1)
		if c.out == nil {
			ret = math.MaxInt64
		}
		ops[i] = porcupine.Operation{ClientId: i, Input: c.in, Call: int64(2 * i), Output: c.out, Return: ret}
	}
	return ops
}

// at is one operation of a concurrent history, by thread, over the stamps
// [callAt, returnAt].
func at(thread int, callAt, returnAt int64, in, out any) porcupine.Operation {
	return porcupine.Operation{ClientId: thread, Input: in, Call: callAt, Output: out, Return: returnAt}
}

// runHistories checks each history against m through the porcupine.Model
// that m.Porcupine returns.
func runHistories[S, I, O any](t *testing.T, m model.Model[S, I, O], tests []historyTest) {
	t.Helper()
	pm, err := m.Porcupine()
	if err != nil {
		t.Fatalf("Porcupine: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := porcupine.CheckOperations(pm, tt.history); got != tt.legal {
				t.Errorf("CheckOperations = %v, want %v", got, tt.legal)
			}
		})
	}
}

// Counter operations.

func add(d int64) model.CounterInput { return model.CounterInput{Op: model.CounterAdd, Delta: d} }

var get = model.CounterInput{Op: model.CounterGet}

func value(v int64) model.CounterOutput { return model.CounterOutput{Value: v} }

// Stack and queue operations.

func put(v int) model.ContainerInput { return model.ContainerInput{Op: model.ContainerPut, Value: v} }

var (
	take   = model.ContainerInput{Op: model.ContainerTake}
	length = model.ContainerInput{Op: model.ContainerLen}
	putOK  = model.ContainerOutput{} // what Put returns
	empty  = model.ContainerOutput{} // Take on an empty container
)

func took(v int) model.ContainerOutput { return model.ContainerOutput{Value: v, OK: true} }

func size(n int) model.ContainerOutput { return model.ContainerOutput{Len: n} }

// Limiter operations, for a bucket of rate 4/s and burst 2: a token every
// quarter second.

const quarter = 250 * time.Millisecond

func TestValidate(t *testing.T) {
	initInt := func() int { return 0 }
	apply := func(s, in int) (int, int) { return s, s }
	step := func(s, in, out int) (bool, int) { return true, s }
	pending := func(s, in int) int { return s }
	tests := []struct {
		name    string
		err     func() error
		wantErr string // substring; empty for a valid model
	}{
		{"zero", model.Model[int, int, int]{}.Validate, "Init is nil"},
		{"no Init", model.Model[int, int, int]{Apply: apply}.Validate, "Init is nil"},
		{"neither Apply nor Step", model.Model[int, int, int]{Init: initInt}.Validate, "set Apply"},
		{"both Apply and Step", model.Model[int, int, int]{Init: initInt, Apply: apply, Step: step, Pending: pending}.Validate, "not both"},
		{"Step without Pending", model.Model[int, int, int]{Init: initInt, Step: step}.Validate, "Step needs Pending"},
		{"interface output", model.Model[int, int, any]{
			Init:  initInt,
			Apply: func(s, in int) (int, any) { return s, s },
		}.Validate, "is an interface"},
		{"error output", model.Model[int, int, error]{
			Init:  initInt,
			Apply: func(s, in int) (int, error) { return s, nil },
		}.Validate, "is an interface"},
		{"Apply", model.Model[int, int, int]{Init: initInt, Apply: apply}.Validate, ""},
		{"Step and Pending", model.Model[int, int, int]{Init: initInt, Step: step, Pending: pending}.Validate, ""},
		{"Counter", model.Counter().Validate, ""},
		{"Stack", model.Stack().Validate, ""},
		{"Queue", model.Queue().Validate, ""},
		{"Limiter", model.Limiter(4, 2).Validate, ""},
		{"Pool", model.Pool().Validate, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr == "":
				return
			case err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", tt.wantErr)
			case !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "model: "):
				t.Fatalf("Validate() = %q, want \"model: ...%s...\"", err, tt.wantErr)
			}
		})
	}
}

func TestPorcupineInvalid(t *testing.T) {
	tests := []struct {
		name string
		m    interface {
			Validate() error
			Porcupine() (porcupine.Model, error)
		}
	}{
		{"zero", model.Model[int, int, int]{}},
		{"no Apply or Step", model.Model[int, int, int]{Init: func() int { return 0 }}},
		{"interface output", model.Model[int, int, any]{
			Init:  func() int { return 0 },
			Apply: func(s, in int) (int, any) { return s, nil },
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pm, err := tt.m.Porcupine()
			if err == nil {
				t.Fatal("Porcupine() returned no error")
			}
			if want := tt.m.Validate(); err.Error() != want.Error() {
				t.Errorf("Porcupine() error = %q, want Validate's %q", err, want)
			}
			if pm.Step != nil || pm.Init != nil {
				t.Error("Porcupine() returned a usable model with its error")
			}
		})
	}
}

// TestDefaults checks a model that sets only Init and Apply: states and
// outputs compare with reflect.DeepEqual, and %v describes them.
func TestDefaults(t *testing.T) {
	// A set of ints that reports its members after each insertion.
	m := model.Model[[]int, int, []int]{
		Init: func() []int { return nil },
		Apply: func(s []int, in int) ([]int, []int) {
			next := append(append([]int(nil), s...), in)
			return next, next
		},
	}
	runHistories(t, m, []historyTest{
		{"deep equal outputs", sequential(call{1, []int{1}}, call{2, []int{1, 2}}), true},
		{"wrong output", sequential(call{1, []int{1}}, call{2, []int{2}}), false},
		{"pending", sequential(call{1, nil}, call{2, []int{1, 2}}), true},
	})
	pm, err := m.Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	if pm.Hash != nil {
		t.Error("Hash set on the porcupine.Model of a model without Hash")
	}
	if got, want := pm.DescribeOperation(3, []int{1, 3}), "3 -> [1 3]"; got != want {
		t.Errorf("DescribeOperation = %q, want %q", got, want)
	}
	if got, want := pm.DescribeState([]int{4}), "[4]"; got != want {
		t.Errorf("DescribeState = %q, want %q", got, want)
	}
}

func TestCounter(t *testing.T) {
	runHistories(t, model.Counter(), []historyTest{
		{"empty", nil, true},
		{"adds and gets", sequential(
			call{get, value(0)}, call{add(1), value(1)}, call{add(2), value(3)},
			call{add(-5), value(-2)}, call{get, value(-2)}), true},
		{"get sees no add", sequential(call{add(1), value(1)}, call{get, value(0)}), false},
		{"add returns old value", sequential(call{add(1), value(0)}), false},
		{"add counted twice", sequential(call{add(2), value(2)}, call{add(2), value(2)}), false},
		// Thread 1's Add returned 1, so it ran first, inside thread 0's.
		{"concurrent adds, one order", []porcupine.Operation{
			at(0, 1, 4, add(1), value(2)),
			at(1, 2, 3, add(1), value(1)),
		}, true},
		{"concurrent adds, same result", []porcupine.Operation{
			at(0, 1, 4, add(1), value(1)),
			at(1, 2, 3, add(1), value(1)),
		}, false},
		{"get inside add, before it", []porcupine.Operation{
			at(0, 1, 4, add(1), value(1)),
			at(1, 2, 3, get, value(0)),
		}, true},
		{"get after add returned", []porcupine.Operation{
			at(0, 1, 2, add(1), value(1)),
			at(1, 3, 4, get, value(0)),
		}, false},
		// A pending Add took effect; only its result is unknown.
		{"pending add seen by get", sequential(call{add(5), nil}, call{get, value(5)}), true},
		{"same get without the pending add", sequential(call{get, value(5)}), false},
		{"pending add not seen yet", sequential(call{add(5), nil}, call{get, value(0)}), true},
		{"pending add seen then undone", sequential(
			call{add(5), nil}, call{get, value(5)}, call{get, value(0)}), false},
		{"pending add seen once only", sequential(
			call{add(5), nil}, call{add(1), value(6)}, call{get, value(11)}), false},
	})
}

func TestStack(t *testing.T) {
	runHistories(t, model.Stack(), []historyTest{
		{"push pop len", sequential(
			call{take, empty}, call{put(1), putOK}, call{put(2), putOK}, call{length, size(2)},
			call{take, took(2)}, call{take, took(1)}, call{take, empty}, call{length, size(0)}), true},
		{"pop is not FIFO", sequential(call{put(1), putOK}, call{put(2), putOK}, call{take, took(1)}), false},
		{"pop from empty", sequential(call{take, took(0)}), false},
		{"value popped twice", sequential(call{put(1), putOK}, call{take, took(1)}, call{take, took(1)}), false},
		{"wrong length", sequential(call{put(1), putOK}, call{length, size(2)}), false},
		{"push returns something", sequential(call{put(1), took(1)}), false},
		// Pop returns 1 then 2, so Push(2) ran first although it was
		// called second.
		{"concurrent pushes, one order", []porcupine.Operation{
			at(0, 1, 4, put(1), putOK),
			at(1, 2, 3, put(2), putOK),
			at(0, 5, 6, take, took(1)),
			at(0, 7, 8, take, took(2)),
		}, true},
		{"concurrent pushes, value popped twice", []porcupine.Operation{
			at(0, 1, 4, put(1), putOK),
			at(1, 2, 3, put(2), putOK),
			at(0, 5, 6, take, took(1)),
			at(0, 7, 8, take, took(1)),
		}, false},
		{"pop overlapping push", []porcupine.Operation{
			at(0, 1, 4, put(7), putOK),
			at(1, 2, 3, take, took(7)),
			at(1, 5, 6, take, empty),
		}, true},
		{"pop before push", []porcupine.Operation{
			at(0, 3, 4, put(7), putOK),
			at(1, 1, 2, take, took(7)),
		}, false},
		{"pending push popped", sequential(call{put(5), nil}, call{take, took(5)}), true},
		{"same pop without the pending push", sequential(call{take, took(5)}), false},
		{"pending push not popped", sequential(call{put(5), nil}, call{take, empty}, call{length, size(0)}), true},
		{"pending push popped twice", sequential(call{put(5), nil}, call{take, took(5)}, call{take, took(5)}), false},
		{"pending pop", sequential(call{put(1), putOK}, call{take, nil}, call{length, size(0)}), true},
	})
}

func TestQueue(t *testing.T) {
	runHistories(t, model.Queue(), []historyTest{
		{"enqueue dequeue len", sequential(
			call{take, empty}, call{put(1), putOK}, call{put(2), putOK}, call{length, size(2)},
			call{take, took(1)}, call{take, took(2)}, call{take, empty}), true},
		{"dequeue is not LIFO", sequential(call{put(1), putOK}, call{put(2), putOK}, call{take, took(2)}), false},
		{"dequeue from empty", sequential(call{take, took(0)}), false},
		{"wrong length", sequential(call{put(1), putOK}, call{take, took(1)}, call{length, size(1)}), false},
		// Dequeue returns 2 then 1, so Enqueue(2) ran first.
		{"concurrent enqueues, one order", []porcupine.Operation{
			at(0, 1, 4, put(1), putOK),
			at(1, 2, 3, put(2), putOK),
			at(0, 5, 6, take, took(2)),
			at(0, 7, 8, take, took(1)),
		}, true},
		{"sequential enqueues, reversed", []porcupine.Operation{
			at(0, 1, 2, put(1), putOK),
			at(1, 3, 4, put(2), putOK),
			at(0, 5, 6, take, took(2)),
			at(0, 7, 8, take, took(1)),
		}, false},
		{"concurrent enqueues, value dequeued twice", []porcupine.Operation{
			at(0, 1, 4, put(1), putOK),
			at(1, 2, 3, put(2), putOK),
			at(0, 5, 6, take, took(2)),
			at(0, 7, 8, take, took(2)),
		}, false},
		{"pending enqueue dequeued", sequential(call{put(5), nil}, call{take, took(5)}), true},
		{"same dequeue without the pending enqueue", sequential(call{take, took(5)}), false},
		{"pending enqueue behind a later one", sequential(
			call{put(5), nil}, call{put(6), putOK}, call{take, took(6)}, call{take, took(5)}), true},
	})
}

// TestContainerPure checks that Apply leaves the state it is given alone,
// even when the slice has room to grow in place.
func TestContainerPure(t *testing.T) {
	for name, m := range map[string]model.Model[[]int, model.ContainerInput, model.ContainerOutput]{
		"stack": model.Stack(),
		"queue": model.Queue(),
	} {
		t.Run(name, func(t *testing.T) {
			backing := []int{1, 2, 3}
			s := backing[:2] // room for one more in place
			for _, in := range []model.ContainerInput{put(9), take, length} {
				m.Apply(s, in)
				if backing[0] != 1 || backing[1] != 2 || backing[2] != 3 || len(s) != 2 {
					t.Fatalf("Apply(%v) changed its state: backing array %v", in, backing)
				}
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	counter, stack, queue, limiter, pool := model.Counter(), model.Stack(), model.Queue(), model.Limiter(4, 2), model.Pool()
	tests := []struct {
		got  string
		want string
	}{
		{counter.DescribeInput(add(2)), "Add(2)"},
		{counter.DescribeInput(add(-1)), "Add(-1)"},
		{counter.DescribeInput(get), "Get()"},
		{counter.DescribeOutput(get, value(7)), "7"},
		{add(3).String(), "Add(3)"},
		{value(-4).String(), "-4"},

		{put(3).String(), "Put(3)"},
		{take.String(), "Take()"},
		{length.String(), "Len()"},
		{stack.DescribeInput(put(3)), "Push(3)"},
		{stack.DescribeInput(take), "Pop()"},
		{stack.DescribeInput(length), "Len()"},
		{stack.DescribeOutput(put(3), putOK), "ok"},
		{stack.DescribeOutput(take, took(3)), "3"},
		{stack.DescribeOutput(take, took(0)), "0"},
		{stack.DescribeOutput(take, empty), "empty"},
		{stack.DescribeOutput(length, size(2)), "2"},
		{queue.DescribeInput(put(3)), "Enqueue(3)"},
		{queue.DescribeInput(take), "Dequeue()"},
		{queue.DescribeOutput(take, empty), "empty"},

		{limiter.DescribeInput(allow(1, quarter)), "Allow(1)@250ms"},
		{limiter.DescribeInput(wait(2, 0)), "Wait(2)@0s"},
		{limiter.DescribeInput(waitWork(time.Second, quarter)), "Wait(1)+work(250ms)@1s"},
		{limiter.DescribeInput(sleep(quarter)), "Sleep(250ms)"},
		{limiter.DescribeOutput(allow(1, 0), allowed), "true"},
		{limiter.DescribeOutput(allow(1, 0), refused), "false"},
		{limiter.DescribeOutput(wait(1, 0), admitted(quarter)), "admitted after 250ms"},
		{limiter.DescribeOutput(wait(1, 0), waitErr), "error"},
		{limiter.DescribeOutput(sleep(quarter), slept), "ok"},

		{pool.DescribeInput(submit(3, false)), "Submit(#3 10ms)"},
		{pool.DescribeInput(submit(3, true)), "Submit(#3 10ms, fails)"},
		{pool.DescribeInput(submit(0, true)), "Submit(10ms, fails)"},
		{pool.DescribeInput(cancelPool), "Cancel()"},
		{pool.DescribeInput(closePool), "Close()"},
		{pool.DescribeInput(model.PoolInput{Op: model.PoolSleep, D: time.Second}), "Sleep(1s)"},
		{pool.DescribeOutput(submit(1, false), accepted), "accepted"},
		{pool.DescribeOutput(submit(1, false), rejected), "rejected"},
		{pool.DescribeOutput(cancelPool, poolOK), "ok"},
		{pool.DescribeOutput(closePool, report()), "[]"},
		{pool.DescribeOutput(closePool, report(
			result(1, model.PoolDone), result(2, model.PoolFailed), result(3, model.PoolCancelled))),
			"[#1 done, #2 failed, #3 cancelled]"},
		{model.PoolState{Accepted: []model.PoolJob{{ID: 1}, {ID: 4}}, Cancelled: true}.String(),
			"accepted [#1 #4] cancelled=true closed=false"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// Every shipped input formats itself as a call, as the package doc says.
var (
	_ fmt.Stringer = model.CounterInput{}
	_ fmt.Stringer = model.ContainerInput{}
	_ fmt.Stringer = model.LimiterInput{}
	_ fmt.Stringer = model.PoolInput{}
)

// TestDescribeWrongOutput checks that an output the operation should not
// have returned is shown as it is, never as the right one: a wrong output
// is what a violation report must show.
func TestDescribeWrongOutput(t *testing.T) {
	queue, stack, limiter, pool := model.Queue(), model.Stack(), model.Limiter(4, 2), model.Pool()
	tests := []struct {
		got  string
		want string
	}{
		{queue.DescribeOutput(put(3), took(3)), "{Value:3 OK:true Len:0}"},
		{queue.DescribeOutput(put(3), size(1)), "{Value:0 OK:false Len:1}"},
		{stack.DescribeOutput(take, model.ContainerOutput{Value: 2}), "{Value:2 OK:false Len:0}"},
		{stack.DescribeOutput(take, model.ContainerOutput{Value: 2, OK: true, Len: 1}), "{Value:2 OK:true Len:1}"},
		{stack.DescribeOutput(length, model.ContainerOutput{Len: 2, OK: true}), "{Value:0 OK:true Len:2}"},
		{limiter.DescribeOutput(allow(1, 0), model.LimiterOutput{OK: true, Delay: quarter}), "{OK:true Delay:250ms}"},
		{limiter.DescribeOutput(wait(1, 0), model.LimiterOutput{Delay: quarter}), "{OK:false Delay:250ms}"},
		{limiter.DescribeOutput(sleep(quarter), allowed), "{OK:true Delay:0s}"},
		{pool.DescribeOutput(submit(1, false), model.PoolOutput{Accepted: true, Report: []model.PoolResult{{ID: 1}}}), "{Accepted:true Report:[{ID:1 Status:done}]}"},
		{pool.DescribeOutput(closePool, model.PoolOutput{Accepted: true}), "{Accepted:true Report:[]}"},
		{pool.DescribeOutput(cancelPool, accepted), "{Accepted:true Report:[]}"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	// The same in porcupine's visualization: a queue's Enqueue that
	// returned a value is not "ok".
	pm, err := queue.Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pm.DescribeOperation(put(3), took(3)), "Enqueue(3) -> {Value:3 OK:true Len:0}"; got != want {
		t.Errorf("DescribeOperation = %q, want %q", got, want)
	}
}

// TestDescribePorcupine checks the descriptions porcupine shows in its
// visualization, pending operations included.
func TestDescribePorcupine(t *testing.T) {
	type describer struct {
		name string
		m    interface {
			Porcupine() (porcupine.Model, error)
		}
		in, out any
		state   any
		wantOp  string
		wantSt  string
	}
	tests := []describer{
		{"counter", model.Counter(), add(2), value(2), int64(2), "Add(2) -> 2", "2"},
		{"counter pending", model.Counter(), add(2), nil, int64(0), "Add(2) -> (never returned)", "0"},
		{"stack", model.Stack(), take, empty, []int{1, 2}, "Pop() -> empty", "[1 2]"},
		{"stack pending", model.Stack(), put(3), nil, []int(nil), "Push(3) -> (never returned)", "[]"},
		{"queue", model.Queue(), put(3), putOK, []int{3}, "Enqueue(3) -> ok", "[3]"},
		{"limiter", model.Limiter(4, 2), wait(1, 0), admitted(quarter),
			model.LimiterState{Tokens: -0.5, Last: quarter}, "Wait(1)@0s -> admitted after 250ms", "-0.5 tokens @250ms"},
		{"pool", model.Pool(), submit(1, false), accepted,
			model.PoolState{Accepted: []model.PoolJob{{ID: 1}}}, "Submit(#1 10ms) -> accepted",
			"accepted [#1] cancelled=false closed=false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pm, err := tt.m.Porcupine()
			if err != nil {
				t.Fatal(err)
			}
			if got := pm.DescribeOperation(tt.in, tt.out); got != tt.wantOp {
				t.Errorf("DescribeOperation = %q, want %q", got, tt.wantOp)
			}
			if got := pm.DescribeState(tt.state); got != tt.wantSt {
				t.Errorf("DescribeState = %q, want %q", got, tt.wantSt)
			}
		})
	}
}

func TestPoolStatusString(t *testing.T) {
	for s, want := range map[model.PoolStatus]string{
		model.PoolDone:      "done",
		model.PoolFailed:    "failed",
		model.PoolCancelled: "cancelled",
	} {
		if got := s.String(); got != want {
			t.Errorf("PoolStatus(%d).String() = %q, want %q", s, got, want)
		}
	}
}

// TestHash checks that the stack and queue models give porcupine a hash
// that agrees with their state equality.
func TestHash(t *testing.T) {
	for name, m := range map[string]model.Model[[]int, model.ContainerInput, model.ContainerOutput]{
		"stack": model.Stack(),
		"queue": model.Queue(),
	} {
		t.Run(name, func(t *testing.T) {
			pm, err := m.Porcupine()
			if err != nil {
				t.Fatal(err)
			}
			if pm.Hash == nil {
				t.Fatal("no Hash on the porcupine.Model")
			}
			equal := [][2][]int{{nil, {}}, {{1, 2}, {1, 2}}, {[]int{1, 2, 3}[:2], {1, 2}}}
			for _, p := range equal {
				if !pm.Equal(p[0], p[1]) || pm.Hash(p[0]) != pm.Hash(p[1]) {
					t.Errorf("%v and %v: Equal %v, hashes %x and %x", p[0], p[1], pm.Equal(p[0], p[1]), pm.Hash(p[0]), pm.Hash(p[1]))
				}
			}
			if pm.Equal([]int{1, 2}, []int{2, 1}) {
				t.Error("[1 2] and [2 1] compare equal")
			}
		})
	}
}
