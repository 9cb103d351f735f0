package linearize_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// A step is one recorder call made by the test: a Call with input, or the
// Return of the thread's latest call with output.
type step struct {
	thread int
	ret    bool
	value  string
}

func callStep(thread int, in string) step    { return step{thread: thread, value: in} }
func returnStep(thread int, out string) step { return step{thread: thread, ret: true, value: out} }

func TestRecorderStamps(t *testing.T) {
	tests := []struct {
		name     string
		capacity []int
		steps    []step
		want     []linearize.Operation
	}{
		{
			name:     "nothing recorded",
			capacity: []int{2, 2},
			want:     nil,
		},
		{
			name:     "one lane",
			capacity: []int{3},
			steps: []step{
				callStep(0, "a"), returnStep(0, "A"),
				callStep(0, "b"), returnStep(0, "B"),
			},
			want: []linearize.Operation{
				{Thread: 0, Input: "a", Output: "A", Call: 1, Return: 2},
				{Thread: 0, Input: "b", Output: "B", Call: 3, Return: 4},
			},
		},
		{
			name:     "lanes interleaved",
			capacity: []int{2, 2},
			steps: []step{
				callStep(0, "a"), callStep(1, "x"), returnStep(0, "A"),
				callStep(0, "b"), returnStep(1, "X"), returnStep(0, "B"),
			},
			want: []linearize.Operation{
				{Thread: 0, Input: "a", Output: "A", Call: 1, Return: 3},
				{Thread: 0, Input: "b", Output: "B", Call: 4, Return: 6},
				{Thread: 1, Input: "x", Output: "X", Call: 2, Return: 5},
			},
		},
		{
			name:     "one lane inside another's operation",
			capacity: []int{1, 1, 1},
			steps: []step{
				callStep(2, "a"), callStep(0, "x"), returnStep(0, "X"), returnStep(2, "A"),
			},
			want: []linearize.Operation{
				{Thread: 0, Input: "x", Output: "X", Call: 2, Return: 3},
				{Thread: 2, Input: "a", Output: "A", Call: 1, Return: 4},
			},
		},
		{
			name:     "pending at the end",
			capacity: []int{2, 1},
			steps: []step{
				callStep(0, "a"), returnStep(0, "A"), callStep(1, "x"), callStep(0, "b"),
			},
			want: []linearize.Operation{
				{Thread: 0, Input: "a", Output: "A", Call: 1, Return: 2},
				{Thread: 0, Input: "b", Call: 4, Pending: true},
				{Thread: 1, Input: "x", Call: 3, Pending: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := linearize.NewRecorder(tt.capacity)
			latest := map[int]int{}
			for _, s := range tt.steps {
				if s.ret {
					rec.Return(s.thread, latest[s.thread], s.value)
				} else {
					latest[s.thread] = rec.Call(s.thread, s.value)
				}
			}
			got := rec.History()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("History() =\n%s\nwant\n%s", formatOps(got), formatOps(tt.want))
			}
			if got, want := rec.Now(), int64(len(tt.steps)); got != want {
				t.Errorf("Now() = %d after %d steps", got, want)
			}
		})
	}
}

// TestRecorderIndex checks that Call returns the operation's index in its
// lane, counted per lane.
func TestRecorderIndex(t *testing.T) {
	rec := linearize.NewRecorder([]int{3, 3})
	var got []int
	for _, thread := range []int{0, 1, 0, 0, 1} {
		i := rec.Call(thread, nil)
		rec.Return(thread, i, nil)
		got = append(got, i)
	}
	if want := []int{0, 0, 1, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("Call indexes = %v, want %v", got, want)
	}
}

// TestRecorderConcurrent records from one goroutine per lane while another
// goroutine reads the history over and over. Run with -race.
func TestRecorderConcurrent(t *testing.T) {
	const threads, perThread = 4, 500
	capacity := make([]int, threads)
	for i := range capacity {
		capacity[i] = perThread
	}
	rec := linearize.NewRecorder(capacity)

	var workers sync.WaitGroup
	for thread := range threads {
		workers.Go(func() {
			for i := range perThread {
				in := thread*perThread + i
				j := rec.Call(thread, in)
				rec.Return(thread, j, -in)
			}
		})
	}
	finished := make(chan struct{})
	readerDone := make(chan error)
	go func() {
		var err error
		for {
			select {
			case <-finished:
				readerDone <- err
				return
			default:
			}
			if err == nil {
				err = checkSnapshot(rec.History(), perThread)
			}
		}
	}()
	workers.Wait()
	close(finished)
	if err := <-readerDone; err != nil {
		t.Errorf("History() during recording: %v", err)
	}

	h := rec.History()
	if err := checkSnapshot(h, perThread); err != nil {
		t.Fatal(err)
	}
	if len(h) != threads*perThread {
		t.Fatalf("History() has %d operations, want %d", len(h), threads*perThread)
	}
	// The clock hands out each stamp once: the stamps are 1..2n.
	seen := make([]bool, 2*len(h)+1)
	for _, op := range h {
		if op.Pending {
			t.Fatalf("operation %+v pending after every thread returned", op)
		}
		for _, s := range []int64{op.Call, op.Return} {
			if s < 1 || s > int64(2*len(h)) || seen[s] {
				t.Fatalf("stamp %d out of range or given twice", s)
			}
			seen[s] = true
		}
	}
}

// checkSnapshot checks a history read while each thread records
// perThread operations with inputs thread*perThread+i and outputs the
// inputs' negation: every lane is a prefix of that, in call order, its
// stamps increasing, only its last operation pending.
func checkSnapshot(h []linearize.Operation, perThread int) error {
	next := map[int]int{}     // next operation index per thread
	last := map[int]int64{}   // latest stamp per thread
	pending := map[int]bool{} // thread has a pending operation
	for _, op := range h {
		i := next[op.Thread]
		next[op.Thread]++
		if pending[op.Thread] {
			return fmt.Errorf("thread %d: operation %d after a pending one", op.Thread, i)
		}
		want := op.Thread*perThread + i
		if op.Input != want {
			return fmt.Errorf("thread %d: operation %d has input %v, want %d", op.Thread, i, op.Input, want)
		}
		if op.Call <= last[op.Thread] {
			return fmt.Errorf("thread %d: operation %d called at %d, not after %d", op.Thread, i, op.Call, last[op.Thread])
		}
		if op.Pending {
			if op.Return != 0 || op.Output != nil {
				return fmt.Errorf("thread %d: pending operation %d has return %d, output %v", op.Thread, i, op.Return, op.Output)
			}
			pending[op.Thread] = true
			continue
		}
		if op.Return <= op.Call || op.Output != -want {
			return fmt.Errorf("thread %d: operation %d: call %d, return %d, output %v", op.Thread, i, op.Call, op.Return, op.Output)
		}
		last[op.Thread] = op.Return
	}
	return nil
}

// TestRecorderHistoryInsideOperation reads the history while a thread is
// inside an operation, and while it returns. Run with -race.
func TestRecorderHistoryInsideOperation(t *testing.T) {
	rec := linearize.NewRecorder([]int{1, 1})
	rec.Return(1, rec.Call(1, "before"), "ok")

	entered, release, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		i := rec.Call(0, "blocked")
		close(entered)
		<-release
		rec.Return(0, i, "released")
		close(returned)
	}()

	<-entered
	want := []linearize.Operation{
		{Thread: 0, Input: "blocked", Call: 3, Pending: true},
		{Thread: 1, Input: "before", Output: "ok", Call: 1, Return: 2},
	}
	if got := rec.History(); !reflect.DeepEqual(got, want) {
		t.Fatalf("History() inside the operation =\n%s\nwant\n%s", formatOps(got), formatOps(want))
	}

	// Read while the thread returns: either answer is right, and the race
	// detector checks the reads.
	close(release)
	switch got := rec.History()[0]; {
	case got.Pending && got.Return == 0 && got.Output == nil:
	case !got.Pending && got.Return == 4 && got.Output == "released":
	default:
		t.Errorf("History() while returning has %+v", got)
	}

	<-returned
	want[0] = linearize.Operation{Thread: 0, Input: "blocked", Output: "released", Call: 3, Return: 4}
	if got := rec.History(); !reflect.DeepEqual(got, want) {
		t.Fatalf("History() after return =\n%s\nwant\n%s", formatOps(got), formatOps(want))
	}
}

func TestRecorderCallPanicsWhenFull(t *testing.T) {
	tests := []struct {
		name     string
		capacity []int
		calls    []int // threads, in order; the last one panics
		want     string
	}{
		{"capacity one", []int{1}, []int{0, 0}, "thread 0 recorded more than its 1 operations"},
		{"capacity zero", []int{0}, []int{0}, "thread 0 recorded more than its 0 operations"},
		{"other lane full", []int{3, 1}, []int{0, 1, 0, 1}, "thread 1 recorded more than its 1 operations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := linearize.NewRecorder(tt.capacity)
			last := len(tt.calls) - 1
			for _, thread := range tt.calls[:last] {
				rec.Return(thread, rec.Call(thread, nil), nil)
			}
			before := rec.History()
			got := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				rec.Call(tt.calls[last], nil)
				return "no panic"
			}()
			if !strings.Contains(got, tt.want) {
				t.Errorf("Call on a full lane: %s, want a panic with %q", got, tt.want)
			}
			if after := rec.History(); !reflect.DeepEqual(after, before) {
				t.Errorf("the panicking Call changed the history:\n%s\nwas\n%s", formatOps(after), formatOps(before))
			}
		})
	}
}

func formatOps(h []linearize.Operation) string {
	var b strings.Builder
	for _, op := range h {
		fmt.Fprintf(&b, "\t%+v\n", op)
	}
	return b.String()
}

// TestTypedRecorderReturned: the unboxed operations come lane by lane,
// with their stamps, and none while one of them is still running.
func TestTypedRecorderReturned(t *testing.T) {
	r := linearize.NewTypedRecorder[int, string]([]int{1, 2})
	a := r.Call(1, 10)
	b := r.Call(0, 20)
	r.Return(1, a, "x")
	if ops, all := r.Returned(); all || ops != nil {
		t.Fatalf("with lane 0's operation running: %v, %v; want none, false", ops, all)
	}
	r.Return(0, b, "y")
	c := r.Call(1, 30)
	r.Return(1, c, "z")
	ops, all := r.Returned()
	want := []model.Op[int, string]{{Input: 20, Output: "y", Call: 2, Return: 4}, {Input: 10, Output: "x", Call: 1, Return: 3}, {Input: 30, Output: "z", Call: 5, Return: 6}}
	if !all || !reflect.DeepEqual(ops, want) {
		t.Fatalf("Returned() = %v, %v; want %v, true", ops, all, want)
	}
	if h := r.History(); len(h) != 3 || h[0].Input != any(20) || h[0].Output != any("y") {
		t.Fatalf("History() = %+v", h)
	}
}
