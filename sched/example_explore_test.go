package sched_test

import (
	"fmt"
	"strings"

	"github.com/interleave-go/interleave/sched"
)

// Explore runs a program under every schedule, here two threads that
// each add one to a counter with a Load and a Store instead of an Add.
// Each line is one execution: the picks that made its schedule (at each
// decision, an index into the runnable threads, the running one first:
// 0 keeps it on), how many preemptions it took, the final count, and
// the steps each thread took in order. The schedules that lose an update
// end with 1: both threads load 0 before either stores.
func ExampleExplore() {
	var n sched.Int64
	inc := func() { n.Store(n.Load() + 1) }
	runs := sched.Explore(sched.Config{}, 1, func() [][]func() {
		n.Store(0) // a fresh counter for each execution
		return [][]func(){{inc, inc}}
	}, func(e *sched.Execution) bool {
		var steps []string
		for _, ev := range e.Events {
			steps = append(steps, fmt.Sprintf("%d:%s", ev.Thread, ev.Action()))
		}
		fmt.Printf("picks %v, %d preemptions, n = %d: %s\n", sched.Picks(e), e.Preemptions, n.Load(), strings.Join(steps, ", "))
		return true
	})
	fmt.Println(runs, "executions")
	// Output:
	// picks [0 0 0], 0 preemptions, n = 2: 0:Load v1 = 0, 0:Store v1 0→1, 1:Load v1 = 1, 1:Store v1 1→2
	// picks [0 0 1 0 0], 1 preemptions, n = 1: 0:Load v1 = 0, 1:Load v1 = 0, 1:Store v1 0→1, 0:Store v1 1→1
	// picks [0 1 0 0], 1 preemptions, n = 2: 1:Load v1 = 0, 1:Store v1 0→1, 0:Load v1 = 1, 0:Store v1 1→2
	// picks [1 0 0], 0 preemptions, n = 2: 1:Load v1 = 0, 1:Store v1 0→1, 0:Load v1 = 1, 0:Store v1 1→2
	// picks [1 0 1 0 0], 1 preemptions, n = 1: 1:Load v1 = 0, 0:Load v1 = 0, 0:Store v1 0→1, 1:Store v1 1→1
	// picks [1 1 0 0], 1 preemptions, n = 2: 0:Load v1 = 0, 0:Store v1 0→1, 1:Load v1 = 1, 1:Store v1 1→2
	// 6 executions
}
