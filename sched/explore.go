package sched

// Explore runs the program that build returns under every schedule with at
// most bound preemptions, depth first in order of picks (so schedules with
// earlier context switches come first), and calls visit with each
// execution until visit returns false or no schedule is left. It returns
// the number of executions. build is called once per execution and must
// return a fresh program: a new value under test and new closures.
//
// cfg.Strategy is ignored. The enumeration is only as complete as the
// program is deterministic: a program that does something uninstrumented
// can take paths that were never enumerated.
func Explore(cfg Config, bound int, build func() [][]func(), visit func(*Execution) bool) int {
	var prefix []int
	for n := 1; ; n++ {
		cfg.Strategy = NewReplay(prefix)
		e := Run(cfg, build()...)
		if !visit(e) {
			return n
		}
		var ok bool
		if prefix, ok = Next(e.Choices, bound); !ok {
			return n
		}
	}
}

// Next returns the schedule to run after one whose decisions were
// choices, in the depth-first enumeration Explore makes of the schedules
// with at most bound preemptions, as picks for NewReplay; ok is false when
// the enumeration is complete. Use it to drive the enumeration yourself.
func Next(choices []Choice, bound int) (picks []int, ok bool) {
	i := backtrack(choices, bound)
	if i < 0 {
		return nil, false
	}
	picks = make([]int, i+1)
	for j, c := range choices[:i] {
		picks[j] = c.Pick
	}
	picks[i] = choices[i].Pick + 1
	return picks, true
}

// backtrack returns the deepest decision whose next pick stays within the
// preemption bound, or -1.
func backtrack(choices []Choice, bound int) int {
	before := make([]int, len(choices)+1)
	for i, c := range choices {
		before[i+1] = before[i]
		if c.Preempts() {
			before[i+1]++
		}
	}
	for i := len(choices) - 1; i >= 0; i-- {
		c := choices[i]
		if c.Pick+1 >= c.N {
			continue
		}
		cost := 0
		if c.Continuing {
			cost = 1
		}
		if before[i]+cost <= bound {
			return i
		}
	}
	return -1
}
