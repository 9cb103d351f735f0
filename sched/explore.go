package sched

import "slices"

// Explore runs the program that build returns under every schedule with at
// most bound preemptions, depth first in order of picks (so schedules with
// earlier switches come first), and calls visit with each
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
		e := Execute(cfg, build()...)
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

// ExploreReduced is Explore with a sleep-set reduction: it skips
// schedules that only reorder independent steps of a schedule it has
// already run, where it can tell that the one it ran has no more
// preemptions than the one it skips. It calls visit with fewer executions
// than Explore, and reaches every outcome Explore reaches within the bound
// (see Explorer for what "independent" means). It returns the number of
// executions.
func ExploreReduced(cfg Config, bound int, build func() [][]func(), visit func(*Execution) bool) int {
	x := NewExplorer(bound, true)
	for n := 1; ; n++ {
		cfg.Strategy = x.Strategy()
		e := Execute(cfg, build()...)
		if !visit(e) || !x.Advance() {
			return n
		}
	}
}

// Explorer drives the enumeration of Explore and ExploreReduced by hand:
// run each execution with the Strategy it returns, then call Advance,
// until Advance returns false.
//
// With reduce set it prunes with sleep sets (Godefroid): when a thread
// that could go on (choice 0 of a decision) has been tried at a decision
// and the search moves on to preempting it, the thread sleeps: it is not
// picked again while the steps that run leave it independent, since
// running it there would only reorder independent steps of a schedule
// already run, which, as the thread ran first there without a
// preemption, has no more preemptions than the reordered one. Two steps
// of different threads are independent when both are known operations
// (Decision.Pending and Ran: an atomic operation or a Mutex's, whose Obj
// is known, or a call of the scenario) that do not conflict: atomic
// operations on different variables, or both Loads (a Mutex's Lock and
// Unlock write it), and not a call of one operation with a return of
// another (see independent). Any other operation (a channel operation,
// a wait, a call whose input is stamped, a thread's start) is taken to
// conflict with every step. Only the thread that could go on sleeps, because with a
// preemption bound the reordered schedule may cost more preemptions
// otherwise. A thread's step is its pending operation and the code it
// runs up to its next scheduling point, which must touch no shared state
// but through the instrumented primitives.
type Explorer struct {
	bound  int
	reduce bool
	nodes  []node // the decisions of the current schedule
	rep    explorerStrategy
	pruned int // the decision where every choice slept, or -1
	// Pruned counts the executions that reached a decision where every
	// choice within the bound slept: redundant runs.
	Pruned int
}

// node is one decision of the schedule being run.
type node struct {
	cases      bool
	continuing bool
	pick       int
	runnable   []int
	pending    []Access
	before     int      // preemptions before it
	sleep      []Access // the sleeping threads' steps
	// did is the step the picked thread took, as the next decision saw
	// it done (with Return known), if hasDid.
	did    Access
	hasDid bool
}

// NewExplorer returns an Explorer of the schedules with at most bound
// preemptions, reduced with sleep sets if reduce is set.
func NewExplorer(bound int, reduce bool) *Explorer {
	x := &Explorer{bound: bound, reduce: reduce, pruned: -1}
	x.rep.x = x
	return x
}

// Strategy returns the strategy for the next execution.
func (x *Explorer) Strategy() Strategy {
	x.rep.step = 0
	x.rep.objs = map[uintptr]uintptr{}
	x.pruned = -1
	return &x.rep
}

type explorerStrategy struct {
	x    *Explorer
	step int
	// objs numbers the variables by first appearance in the run: their
	// addresses change from run to run, the numbers do not, as a replay
	// runs the same operations.
	objs map[uintptr]uintptr
	ran  []Access
}

// canon returns a with its variable numbered by first appearance.
func (r *explorerStrategy) canon(a Access) Access {
	if a.Obj != 0 {
		id, ok := r.objs[a.Obj]
		if !ok {
			id = uintptr(len(r.objs) + 1)
			r.objs[a.Obj] = id
		}
		a.Obj = id
	}
	return a
}

// independent reports whether the step of a sleeping thread, u, commutes
// with a step that did a. u's Return is set if the step may return.
//
// Steps are independent when both are known (an atomic operation, or a
// call of the scenario), their atomic operations do not conflict, and
// neither calls while the other returns. Calls and returns are stamps
// of the history: for linearizability only the order of one operation's
// return and another's call matters (whether the first precedes the
// second), so two calls commute, and two returns, and either with an
// atomic operation of another thread.
func independent(u, a Access) bool {
	return u.Thread != a.Thread && known(u) && known(a) &&
		!(u.Obj != 0 && u.Obj == a.Obj && (u.Write || a.Write)) &&
		!(u.Call && a.Return) && !(u.Return && a.Call)
}

// known reports whether the reduction can tell what a step does: an
// atomic operation or a plain call, possibly followed by a return.
func known(a Access) bool { return a.Obj != 0 || a.Call }

func (r *explorerStrategy) Choose(d Decision) int {
	x := r.x
	i := r.step
	r.step++
	r.ran = r.ran[:0]
	for _, a := range d.Ran {
		r.ran = append(r.ran, r.canon(a))
	}
	pending := make([]Access, len(d.Pending))
	for j, a := range d.Pending {
		pending[j] = r.canon(a)
	}
	// The sleep set this decision inherits from the previous one, through
	// the steps run since.
	var sleep []Access
	ranSleeper := false
	if x.reduce && i > 0 && i-1 < len(x.nodes) {
		x.nodes[i-1].noteDid(r.ran)
		if !d.Cases {
			sleep, ranSleeper = inherit(x.nodes[i-1], r.ran)
		}
	}
	if i < len(x.nodes) {
		n := &x.nodes[i]
		if n.cases == d.Cases && n.continuing == d.Continuing && slices.Equal(n.runnable, d.Runnable) {
			return n.pick // replaying the prefix
		}
		// Not the decision recorded: the program is not deterministic.
		// Go on from here unreduced.
		x.nodes = x.nodes[:i]
		sleep = nil
	}
	before := 0
	if i > 0 {
		p := x.nodes[i-1]
		before = p.before
		if p.continuing && p.pick != 0 {
			before++
		}
	}
	n := node{cases: d.Cases, continuing: d.Continuing, runnable: append([]int(nil), d.Runnable...),
		pending: pending, before: before, sleep: sleep}
	if len(n.pending) != len(n.runnable) {
		n.pending = make([]Access, len(n.runnable))
		for j, id := range n.runnable {
			n.pending[j] = Access{Thread: id}
		}
	}
	n.pick = x.firstAllowed(&n, 0)
	if ranSleeper && x.pruned < 0 {
		// A sleeping thread ran, as the only one that could: the
		// schedules from here reorder ones already run.
		x.pruned = i
	}
	if n.pick < 0 {
		// Every choice sleeps: the schedules from here reorder ones
		// already run. Finish the run without a preemption.
		n.pick = 0
		if x.pruned < 0 {
			x.pruned = i
		}
	}
	if x.pruned >= 0 && x.pruned < i {
		n.pick = 0
	}
	x.nodes = append(x.nodes, n)
	return n.pick
}

// inherit returns the sleep set of the decision after prev, given the
// operations done since (Decision.Ran), and whether a sleeping thread ran
// meanwhile. The thread picked at prev did its pending operation first,
// noted in ran unless it blocked in it (a lock, a channel, a wait) or it
// was starting: then it touched no atomic variable. The threads that ran
// after it did so because no other could.
func inherit(prev node, ran []Access) (sleep []Access, ranSleeper bool) {
	if prev.cases || len(ran) >= maxRan {
		return nil, false
	}
	for _, u := range prev.sleep {
		if known(u) {
			sleep = append(sleep, u)
		}
	}
	for _, a := range ran {
		if asleep(sleep, a.Thread) {
			return sleep, true
		}
		kept := sleep[:0]
		for _, u := range sleep {
			if independent(u, a) {
				kept = append(kept, u)
			}
		}
		sleep = kept
	}
	return sleep, false
}

// noteDid records the step the thread picked at n took, from the
// operations done since (Decision.Ran): the first of its thread, unless
// the record is cut short.
func (n *node) noteDid(ran []Access) {
	n.hasDid = false
	if n.cases || n.pick >= len(n.pending) || len(ran) >= maxRan {
		return
	}
	p := n.pending[n.pick]
	for _, a := range ran {
		if a.Thread == p.Thread {
			if a.Obj == p.Obj && a.Write == p.Write && a.Call == p.Call {
				n.did, n.hasDid = a, true
			}
			return
		}
	}
}

// sleeper returns the step of the thread that could go on at n, to put
// it to sleep: as it was done, if seen, else as pending, and then it may
// return.
func (n *node) sleeper() Access {
	if n.hasDid {
		return n.did
	}
	u := n.pending[0]
	u.Return = true
	return u
}

// firstAllowed returns the first choice from j on within the bound and
// not asleep, or -1.
func (x *Explorer) firstAllowed(n *node, j int) int {
	for ; j < len(n.runnable); j++ {
		if n.continuing && j != 0 && n.before+1 > x.bound {
			return -1 // every later choice preempts
		}
		if n.cases || !asleep(n.sleep, n.runnable[j]) {
			return j
		}
	}
	return -1
}

func asleep(sleep []Access, thread int) bool {
	for _, u := range sleep {
		if u.Thread == thread {
			return true
		}
	}
	return false
}

// Advance moves to the next schedule after the execution just run with
// Strategy, and reports whether there is one.
func (x *Explorer) Advance() bool {
	end := len(x.nodes)
	if x.pruned >= 0 {
		x.Pruned++
		end = x.pruned // the decisions below it are not branched on
	}
	for i := end - 1; i >= 0; i-- {
		n := &x.nodes[i]
		if x.reduce && !n.cases && n.continuing && n.pick == 0 && known(n.pending[0]) {
			// The thread that could go on has been tried here: it sleeps
			// in the schedules that preempt it.
			n.sleep = append(n.sleep, n.sleeper())
		}
		if j := x.firstAllowed(n, n.pick+1); j >= 0 {
			n.pick, n.hasDid = j, false
			x.nodes = x.nodes[:i+1]
			return true
		}
	}
	x.nodes = x.nodes[:0]
	return false
}
