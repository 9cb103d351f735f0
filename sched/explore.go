package sched

import (
	"math"
	"slices"
)

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

// ExploreReduced is Explore with a partial order reduction: it skips
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
//
// It also remembers the states whose schedules it has all run, by their
// trace: the steps run, ordered where they conflict (by the same
// relation), with the threads started and those that can run. Two
// executions of a deterministic program with the same trace are in the
// same state, as running both in one order of the trace takes the same
// decisions, so a decision in a state already explored with as few
// preemptions is not branched on; nor is a choice whose step led, from
// the same state, to such a decision. A state reached with one thread
// able to go on is taken as explored when it was with another, or none,
// and one preemption fewer: a schedule from it costs at most its first
// pick more. It keeps at most maxStates states and as many steps, and
// follows no trace past a Select's choice of a case or a Decision.Ran
// cut short.
type Explorer struct {
	bound  int
	reduce bool
	nodes  []node // the decisions of the current schedule
	rep    explorerStrategy
	pruned int // the decision where every choice slept, or a state explored was reached, or -1
	// done holds the states (see trace) whose schedules have all been
	// explored, with the fewest preemptions they were reached with.
	done map[traceKey]*explored
	// next holds where a thread's step led from a state: the state of
	// the next decision, a function of the two.
	next map[stepKey]stepTo
	// ReturnsFirst, set before the first execution, lets the reduction
	// skip a schedule where a thread calls an operation before another
	// returns from one when it has run the schedule where the return
	// comes first, other things equal (a sleeping thread's return does
	// not wake for a call). That schedule's history orders more
	// operations in real time, so it is linearizable only if the skipped
	// one is, and the rest of the outcome is the same: set it when only
	// linearizability, and not the order of calls and returns otherwise,
	// decides what fails. The outcomes of the schedules skipped may then
	// not all be reached.
	ReturnsFirst bool
	// Pruned counts the executions that reached a decision where every
	// choice within the bound slept, or a state already explored:
	// redundant runs.
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
	// key is the state the decision is taken in, if hasKey.
	key    traceKey
	hasKey bool
}

// NewExplorer returns an Explorer of the schedules with at most bound
// preemptions, reduced (sleep sets, explored states) if reduce is set.
func NewExplorer(bound int, reduce bool) *Explorer {
	x := &Explorer{bound: bound, reduce: reduce, pruned: -1, done: map[traceKey]*explored{}, next: map[stepKey]stepTo{}}
	x.rep.x = x
	return x
}

// Strategy returns the strategy for the next execution.
func (x *Explorer) Strategy() Strategy {
	x.rep.step = 0
	x.rep.objs = map[uintptr]uintptr{}
	x.rep.trace.reset()
	x.pruned = -1
	return &x.rep
}

type explorerStrategy struct {
	x    *Explorer
	step int
	// objs numbers the variables by first appearance in the run: their
	// addresses change from run to run, the numbers do not, as a replay
	// runs the same operations.
	objs  map[uintptr]uintptr
	ran   []Access
	trace trace
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
// atomic operation of another thread. With returnsFirst (see
// Explorer.ReturnsFirst), a sleeping thread's return does not wake for
// another's call.
func independent(u, a Access, returnsFirst bool) bool {
	return u.Thread != a.Thread && known(u) && known(a) &&
		!(u.Obj != 0 && u.Obj == a.Obj && (u.Write || a.Write)) &&
		!(u.Call && a.Return) && !(u.Return && a.Call && !returnsFirst)
}

// known reports whether the reduction can tell what a step does: an
// atomic operation or a plain call, possibly followed by a return.
func known(a Access) bool { return a.Obj != 0 || a.Call }

func (r *explorerStrategy) Choose(d Decision) int {
	if !r.x.reduce {
		return r.choose(d)
	}
	r.trace.note(d.Ran, len(d.Ran) >= maxRan)
	if d.Cases {
		r.trace.broken = true // the state depends on the case picked
	} else if d.Continuing {
		r.trace.start(d.Runnable[0])
	}
	pick := r.choose(d)
	if !d.Cases && pick >= 0 && pick < len(d.Runnable) {
		r.trace.start(d.Runnable[pick])
	}
	return pick
}

func (r *explorerStrategy) choose(d Decision) int {
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
			sleep, ranSleeper = inherit(x.nodes[i-1], r.ran, x.ReturnsFirst)
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
	if x.reduce && !r.trace.broken {
		n.key, n.hasKey = r.trace.key(d.Runnable), true
		if i > 0 && x.nodes[i-1].hasKey && !x.nodes[i-1].cases && len(x.next) < maxStates {
			p := x.nodes[i-1]
			x.next[stepKey{p.key, p.runnable[p.pick]}] = stepTo{n.key, n.current()}
		}
		if e := x.done[n.key]; e != nil && e.covers(n.current(), n.before) && x.pruned < 0 {
			// The same state as one whose schedules have all been run,
			// with as few preemptions or fewer: so have these.
			x.pruned = i
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
// noted in ran unless it was starting (touching nothing) or it blocked in
// it: a channel operation or a wait, which touches no variable a known
// step does, or a Mutex's Lock, whose attempt found the mutex held and
// so conflicts with the sleeping thread that holds it, if one does (it
// is noted when the thread tries again). The threads that ran after it
// did so because no other could: while a thread sleeps it can run, so
// only the picked thread's own step can be missing from ran.
func inherit(prev node, ran []Access, returnsFirst bool) (sleep []Access, ranSleeper bool) {
	if prev.cases || len(ran) >= maxRan {
		return nil, false
	}
	for _, u := range prev.sleep {
		if known(u) {
			sleep = append(sleep, u)
		}
	}
	if !prev.hasDid && prev.pick < len(prev.pending) {
		if p := prev.pending[prev.pick]; p.Obj != 0 {
			ran = append([]Access{p}, ran...)
		}
	}
	for _, a := range ran {
		if asleep(sleep, a.Thread) {
			return sleep, true
		}
		kept := sleep[:0]
		for _, u := range sleep {
			if independent(u, a, returnsFirst) {
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
		j := x.firstAllowed(n, n.pick+1)
		for j >= 0 && x.reduce && x.leadsToExplored(n, j) {
			j = x.firstAllowed(n, j+1)
		}
		if j >= 0 {
			n.pick, n.hasDid = j, false
			x.nodes = x.nodes[:i+1]
			return true
		}
		if n.hasKey {
			// Every schedule from here has been run, or reorders one
			// that has.
			e := x.done[n.key]
			if e == nil && len(x.done) < maxStates {
				e = &explored{best: math.MaxInt, free: math.MaxInt}
				x.done[n.key] = e
			}
			if e != nil {
				e.add(n.current(), n.before)
			}
		}
	}
	x.nodes = x.nodes[:0]
	return false
}

// explored records a state whose schedules have all been run: the
// fewest preemptions it was reached with, without a thread that could go
// on (free), and with each such thread.
type explored struct {
	best, free int
	by         []reached
}

type reached struct{ current, before int }

func (e *explored) add(current, before int) {
	e.best = min(e.best, before)
	if current < 0 {
		e.free = min(e.free, before)
		return
	}
	for i := range e.by {
		if e.by[i].current == current {
			e.by[i].before = min(e.by[i].before, before)
			return
		}
	}
	e.by = append(e.by, reached{current, before})
}

// covers reports whether the schedules run from e's state cover those
// from the same state reached with before preemptions and the thread
// current able to go on (-1: none): a schedule from the state costs
// what it cost from there, or one preemption more (its first pick) if
// another thread, or none, could go on there.
func (e *explored) covers(current, before int) bool {
	if e.free <= before || e.best+1 <= before {
		return true
	}
	for _, r := range e.by {
		if r.current == current && current >= 0 && r.before <= before {
			return true
		}
	}
	return false
}

// maxStates bounds the states an Explorer remembers, and the steps from
// them, to some tens of megabytes: past it, it prunes with sleep sets
// and the states it has.
const maxStates = 1 << 18

// stepKey is a thread's step from a state.
type stepKey struct {
	from   traceKey
	thread int
}

// stepTo is the decision a step led to: its state and the thread that
// could go on there, or -1.
type stepTo struct {
	to      traceKey
	current int
}

// leadsToExplored reports whether picking choice j at n leads, as it
// did before from the same state, to a decision whose schedules have all
// been run with as few preemptions: no need to run it again.
func (x *Explorer) leadsToExplored(n *node, j int) bool {
	if !n.hasKey || n.cases {
		return false
	}
	to, ok := x.next[stepKey{n.key, n.runnable[j]}]
	if !ok {
		return false
	}
	before := n.before
	if n.continuing && j != 0 {
		before++
	}
	e := x.done[to.to]
	return e != nil && e.covers(to.current, before)
}

// current returns the thread that could go on at n, or -1.
func (n *node) current() int {
	if n.continuing {
		return n.runnable[0]
	}
	return -1
}

// trace follows the partial order of the steps an execution has run
// (Mazurkiewicz's trace: the steps, ordered where they conflict), as a
// vector clock per step, and hashes it. Two executions of a
// deterministic program whose steps form the same trace are in the same
// state: run both in one order of the trace, they take the same
// decisions. A thread that has started but done nothing recorded (its
// start touches nothing) is told apart by the set of started threads.
type trace struct {
	// broken is set when the steps are not all known: Decision.Ran was
	// cut short, or a Select picked a case.
	broken bool
	clock  map[int]stepClock     // each thread's last step
	writes map[uintptr]stepClock // each variable's last write
	reads  map[uintptr]stepClock // its reads since, joined
	// all joins every step, unknown every step that conflicts with all,
	// calls and returns the calls' and returns' steps.
	all, unknown, calls, returns stepClock
	hash                         [2]uint64 // the steps' hashes, summed
	started                      map[int]bool
	startHash                    [2]uint64
}

// A stepClock counts, for each thread (by number), its steps that
// precede a step.
type stepClock []int

// join sets v to the larger of v and w at each thread, growing v.
func (v *stepClock) join(w stepClock) {
	if len(w) > len(*v) {
		*v = append(*v, make([]int, len(w)-len(*v))...)
	}
	for t, n := range w {
		if n > (*v)[t] {
			(*v)[t] = n
		}
	}
}

// traceKey identifies a state: the trace, the threads started, which
// can run and whether the first of them could go on.
type traceKey [2]uint64

func (tr *trace) reset() {
	*tr = trace{clock: map[int]stepClock{}, writes: map[uintptr]stepClock{}, reads: map[uintptr]stepClock{}, started: map[int]bool{}}
}

// note adds the steps done since the last decision; cut is set when
// Decision.Ran lost some of them.
func (tr *trace) note(ran []Access, cut bool) {
	if cut {
		tr.broken = true
	}
	if tr.broken {
		return
	}
	for _, a := range ran {
		tr.start(a.Thread)
		v := make(stepClock, max(len(tr.all), a.Thread+1))
		v.join(tr.clock[a.Thread])
		v.join(tr.unknown)
		if !known(a) {
			v.join(tr.all)
		}
		if a.Obj != 0 {
			v.join(tr.writes[a.Obj])
			if a.Write {
				v.join(tr.reads[a.Obj])
			}
		}
		if a.Call {
			v.join(tr.returns)
		}
		if a.Return {
			v.join(tr.calls)
		}
		v[a.Thread]++
		tr.clock[a.Thread] = v
		tr.all.join(v)
		if !known(a) {
			tr.unknown.join(v)
		}
		if a.Obj != 0 {
			if a.Write {
				tr.writes[a.Obj], tr.reads[a.Obj] = v, nil
			} else {
				r := tr.reads[a.Obj]
				r.join(v)
				tr.reads[a.Obj] = r
			}
		}
		if a.Call {
			tr.calls.join(v)
		}
		if a.Return {
			tr.returns.join(v)
		}
		h := hashClock(a.Thread, v)
		tr.hash[0] += h[0]
		tr.hash[1] += h[1]
	}
}

// start notes that thread has started.
func (tr *trace) start(thread int) {
	if !tr.started[thread] {
		tr.started[thread] = true
		h := hashClock(-1-thread, nil)
		tr.startHash[0] += h[0]
		tr.startHash[1] += h[1]
	}
}

// key returns the key of the state at a decision among runnable.
func (tr *trace) key(runnable []int) traceKey {
	runnable = slices.Sorted(slices.Values(runnable))
	k := traceKey{scramble(tr.hash[0] ^ scramble(tr.startHash[0])), scramble(tr.hash[1] ^ scramble(tr.startHash[1]+1))}
	for _, id := range runnable {
		k[0], k[1] = scramble(k[0]^uint64(id+1)), scramble(k[1]+uint64(id+7))
	}
	return k
}

// hashClock hashes a step: its thread and vector clock, in two ways.
func hashClock(thread int, v stepClock) [2]uint64 {
	h := [2]uint64{scramble(uint64(thread) + 0x9e3779b97f4a7c15), scramble(uint64(thread) ^ 0xc2b2ae3d27d4eb4f)}
	// Summed over the threads that precede it: a clock is the same
	// however long its slice.
	var s0, s1 uint64
	for t, n := range v {
		if n != 0 {
			e := uint64(t)<<32 | uint64(n)
			s0 += scramble(e ^ 0x165667b19e3779f9)
			s1 += scramble(e + 0x27d4eb2f165667c5)
		}
	}
	return [2]uint64{scramble(h[0] ^ s0), scramble(h[1] + s1)}
}

// scramble is splitmix64's finalizer.
func scramble(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
