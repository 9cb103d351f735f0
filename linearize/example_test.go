package linearize_test

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// This example records a counter used by two goroutines, then checks the
// history against the counter model. The second history is a lost update,
// recorded by hand: two Adds of 1 that both returned 1.
func ExampleCheck() {
	pm, err := model.Counter().Porcupine()
	if err != nil {
		fmt.Println(err)
		return
	}

	// One lane per goroutine, each with room for its 3 operations.
	rec := linearize.NewRecorder([]int{3, 3})
	var counter atomic.Int64
	var wg sync.WaitGroup
	for thread := range 2 {
		wg.Go(func() {
			for range 3 {
				in := model.CounterInput{Op: model.CounterAdd, Delta: 1}
				i := rec.Call(thread, in)
				v := counter.Add(in.Delta)
				rec.Return(thread, i, model.CounterOutput{Value: v})
			}
		})
	}
	wg.Wait()
	res, err := linearize.Check(pm, rec.History(), linearize.Config{})
	fmt.Println("atomic counter:", res.Verdict, err)

	rec = linearize.NewRecorder([]int{1, 1})
	add := model.CounterInput{Op: model.CounterAdd, Delta: 1}
	i := rec.Call(0, add)
	j := rec.Call(1, add) // both read 0 ...
	rec.Return(1, j, model.CounterOutput{Value: 1})
	rec.Return(0, i, model.CounterOutput{Value: 1}) // ... and both wrote 1
	res, err = linearize.Check(pm, rec.History(), linearize.Config{})
	fmt.Println("lost update:", res.Verdict, err)
	// Output:
	// atomic counter: linearizable <nil>
	// lost update: not linearizable <nil>
}

// This example reads the history while an operation has not returned: it
// comes out pending, with no output and no return stamp, and Check lets it
// take effect at any point after its call.
func ExampleRecorder_History() {
	rec := linearize.NewRecorder([]int{1, 1})
	add := model.CounterInput{Op: model.CounterAdd, Delta: 5}
	get := model.CounterInput{Op: model.CounterGet}

	rec.Call(0, add) // thread 0 hangs inside Add(5)
	i := rec.Call(1, get)
	rec.Return(1, i, model.CounterOutput{Value: 5}) // thread 1 sees its effect

	h := rec.History()
	for _, op := range h {
		fmt.Printf("thread %d: %v -> %v [%d, %d] pending=%v\n", op.Thread, op.Input, op.Output, op.Call, op.Return, op.Pending)
	}
	pm, err := model.Counter().Porcupine()
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := linearize.Check(pm, h, linearize.Config{})
	fmt.Println(res.Verdict, err)
	// Output:
	// thread 0: Add(5) -> <nil> [1, 0] pending=true
	// thread 1: Get() -> 5 [2, 3] pending=false
	// linearizable <nil>
}
