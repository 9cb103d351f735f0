package sched

import (
	"math/rand/v2"
	"slices"
)

// Decision is what a Strategy decides on: which of the Runnable threads
// (by number) runs next. When Continuing, Runnable[0] is the thread that
// ran last and could go on, so choice 0 means "no switch"; the rest
// are in increasing order.
type Decision struct {
	// Step counts the decisions made before this one in the execution.
	Step       int
	Runnable   []int
	Continuing bool
	// Cases is set when the decision is not among threads but among the
	// ready cases of a Select: Runnable is then 0, 1, ... n-1.
	Cases bool
	// Pending holds, for each of Runnable, the operation the thread does
	// when it runs (Obj 0 when not known: a thread yet to start, or an
	// operation other than an atomic one's); Ran, the operations done
	// since the previous decision, the most recent last. Both are reused
	// after Choose returns: a Strategy must not keep them.
	Pending, Ran []Access
	// Woken holds the threads that another thread's operation (a
	// Signal or Broadcast, a WaitGroup's Done) or the virtual clock made
	// runnable since the previous decision, oldest first; they may have
	// blocked again since. A thread waiting to lock a Mutex or RWMutex
	// that its holder released is not among them, nor one that a channel
	// operation served.
	// Reused like Ran.
	Woken []int
}

// Access is an operation's access to an instrumented variable, as
// strategies that weigh conflicts see it.
type Access struct {
	Thread int
	// Obj identifies the variable (its address), or is 0 if not known.
	Obj uintptr
	// Write is set unless the operation only reads (a Load).
	Write bool
	// Lock is set for a Mutex's Lock, TryLock and Unlock, which write
	// the mutex.
	Lock bool
	// Call is set when the step calls an operation of the scenario (it
	// stamps the history's invocation and runs the operation up to its
	// first scheduling point); Return, in Decision.Ran only, when the
	// step returned from one (it stamped the history's response). Obj
	// is then 0 for a call. Both matter for linearizability only in
	// their order relative to each other.
	Call, Return bool
	// Wait is set for a Cond's Wait (Obj 0).
	Wait bool
}

// Conflicts reports whether a and b touch the same known variable and
// one of them writes: their order can change what either sees.
func (a Access) Conflicts(b Access) bool {
	return a.Obj != 0 && a.Obj == b.Obj && (a.Write || b.Write)
}

// Strategy makes scheduling decisions for one execution. It is asked only
// when more than one thread can run. A Strategy is used by one run at a
// time and need not be safe for concurrent use.
type Strategy interface {
	// Choose returns an index into d.Runnable. An index out of range is
	// read as 0.
	Choose(d Decision) int
}

// Source is where randomized strategies get their randomness: a uniform
// integer in [0, n). Callers that draw through a property-based testing
// library make the library's shrinker reduce the schedule, because 0, the
// simplest value, means "keep running the current thread".
type Source interface {
	Intn(n int) int
}

// NewSource returns a Source seeded with seed.
func NewSource(seed uint64) Source {
	return seeded{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

type seeded struct{ r *rand.Rand }

func (s seeded) Intn(n int) int { return s.r.IntN(n) }

// NewRandomWalk picks uniformly among the runnable threads at every decision.
func NewRandomWalk(src Source) Strategy { return randomWalk{src} }

type randomWalk struct{ src Source }

func (r randomWalk) Choose(d Decision) int { return r.src.Intn(len(d.Runnable)) }

// NewPCT returns the probabilistic concurrency testing strategy of Burckhardt,
// Kothari, Musuvathi and Nagarakatte (ASPLOS 2010) for bugs of depth
// depth, over executions of about steps decisions: every thread gets a
// random priority when it first becomes runnable, the highest-priority
// runnable thread always runs, and at depth-1 random decisions the thread
// that ran last drops below every initial priority. A bug of depth d is
// found with probability at least 1/(n * k^(d-1)) per execution, for n
// threads and k steps.
func NewPCT(src Source, depth, steps int) Strategy {
	depth = max(depth, 1)
	steps = max(steps, 1)
	p := &pct{src: src, depth: depth}
	p.init()
	for i := 1; i < depth; i++ {
		p.change = append(p.change, src.Intn(steps))
	}
	return p
}

// NewVariedPCT is PCT with the depth drawn for each execution, uniformly
// from 1 to maxDepth, before the change points: a bug of depth d is found
// with probability at least 1/(maxDepth * n * k^(d-1)), and the executions
// of a smaller depth, which spend no priority change where none is
// needed, find the shallow bugs sooner than PCT of a fixed, larger depth.
func NewVariedPCT(src Source, maxDepth, steps int) Strategy {
	return NewPCT(src, 1+src.Intn(max(maxDepth, 1)), steps)
}

type pct struct {
	src    Source
	depth  int
	change []int // decision indexes where the running thread is demoted
	// prio holds each thread's priority plus one, by thread number; 0:
	// none drawn yet. It and change start in the arrays after them, so
	// that a strategy for a few threads is one allocation: a strategy is
	// made for every execution.
	prio      []int
	changeBuf [4]int
	prioBuf   [8]int
}

// init points change and prio at their arrays.
func (p *pct) init() {
	p.change, p.prio = p.changeBuf[:0], p.prioBuf[:0]
}

// setPrio sets thread id's priority.
func (p *pct) setPrio(id, prio int) {
	for id >= len(p.prio) {
		p.prio = append(p.prio, 0)
	}
	p.prio[id] = prio + 1
}

func (p *pct) Choose(d Decision) int {
	if d.Cases {
		return p.src.Intn(len(d.Runnable))
	}
	for _, id := range d.Runnable {
		if id >= len(p.prio) || p.prio[id] == 0 {
			// Initial priorities are above every demoted one (1..depth-1);
			// ties, unlikely, go to the lower thread number.
			p.setPrio(id, p.depth+p.src.Intn(1<<20))
		}
	}
	if d.Continuing {
		for i, step := range p.change {
			if step == d.Step {
				p.setPrio(d.Runnable[0], p.depth-1-i)
			}
		}
	}
	best, bestID, bestPrio := 0, d.Runnable[0], p.prio[d.Runnable[0]]
	for i, id := range d.Runnable[1:] {
		if pr := p.prio[id]; pr > bestPrio || (pr == bestPrio && id < bestID) {
			best, bestID, bestPrio = i+1, id, pr
		}
	}
	return best
}

// NewPOS returns the partial order sampling strategy of Yuan, Yang and Gu
// (CAV 2018), which Fray (OOPSLA 2025) found the most effective on real
// Java programs: every pending operation gets a random priority, the
// runnable thread whose pending operation has the highest runs, and when
// an operation is done, the priorities of the pending operations that
// conflict with it are drawn again. Reordering conflicting operations is
// what changes an execution, and drawing their priorities again gives each
// order of a racing pair an even chance, where a random walk's chance of a
// given order shrinks with the number of unrelated steps between them.
// Operations the scheduler knows nothing of (Access.Obj 0) conflict with
// nothing: they keep their priority until they run.
func NewPOS(src Source) Strategy { return &pos{src: src} }

type pos struct {
	src  Source
	prio []int // by thread, of its pending operation; 0: none drawn
}

func (p *pos) Choose(d Decision) int {
	if d.Cases {
		return p.src.Intn(len(d.Runnable))
	}
	for _, a := range d.Ran {
		p.forget(a.Thread) // done: its next operation is a new one
		for i, b := range d.Pending {
			if a.Thread != b.Thread && a.Conflicts(b) {
				p.forget(d.Runnable[i])
			}
		}
	}
	best, bestPrio := 0, -1
	for i, id := range d.Runnable {
		for id >= len(p.prio) {
			p.prio = append(p.prio, 0)
		}
		if p.prio[id] == 0 {
			p.prio[id] = 1 + p.src.Intn(1<<20)
		}
		if p.prio[id] > bestPrio {
			best, bestPrio = i, p.prio[id]
		}
	}
	return best
}

func (p *pos) forget(thread int) {
	if thread < len(p.prio) {
		p.prio[thread] = 0
	}
}

// NewReplay follows recorded picks, one per decision, and picks 0 after the
// last. Use [Picks] to take the picks of an execution. A replay that
// reaches a decision with fewer runnable threads than the recorded pick
// allows is off the recorded path; see Replayer.Diverged.
func NewReplay(picks []int) *Replayer { return &Replayer{picks: picks, diverged: -1} }

// Replayer is the Strategy returned by NewReplay.
type Replayer struct {
	picks    []int
	next     int
	diverged int
}

// Choose implements Strategy.
func (r *Replayer) Choose(d Decision) int {
	if r.next >= len(r.picks) {
		r.next++
		return 0
	}
	p := r.picks[r.next]
	if p >= len(d.Runnable) && r.diverged < 0 {
		r.diverged = r.next
	}
	r.next++
	return p
}

// Diverged returns the index of the first decision that did not fit the
// recorded picks, or -1.
func (r *Replayer) Diverged() int { return r.diverged }

// Picks returns the index picked at each of e's choices
// (Execution.Choices): the schedule NewReplay replays. A choice is a
// Choice, its pick an int.
func Picks(e *Execution) []int {
	picks := make([]int, len(e.Choices))
	for i, c := range e.Choices {
		picks[i] = c.Pick
	}
	return picks
}

// Trim returns picks without the trailing zeros, which NewReplay supplies
// anyway: the shortest equivalent schedule.
func Trim(picks []int) []int {
	i := len(picks)
	for i > 0 && picks[i-1] == 0 {
		i--
	}
	return slices.Clip(picks[:i])
}
