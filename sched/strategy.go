package sched

import (
	"math/rand/v2"
	"slices"
)

// Decision is what a Strategy decides on: which of the Runnable threads
// (by number) runs next. When Continuing, Runnable[0] is the thread that
// ran last and could go on, so choice 0 means "no context switch"; the rest
// are in increasing order.
type Decision struct {
	// Step counts the decisions made before this one in the execution.
	Step       int
	Runnable   []int
	Continuing bool
	// Cases is set when the decision is not among threads but among the
	// ready cases of a Select: Runnable is then 0, 1, ... n-1.
	Cases bool
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

// RandomWalk picks uniformly among the runnable threads at every decision.
func RandomWalk(src Source) Strategy { return randomWalk{src} }

type randomWalk struct{ src Source }

func (r randomWalk) Choose(d Decision) int { return r.src.Intn(len(d.Runnable)) }

// PCT returns the probabilistic concurrency testing strategy of Burckhardt,
// Kothari, Musuvathi and Nagarakatte (ASPLOS 2010) for bugs of depth
// depth, over executions of about steps decisions: every thread gets a
// random priority when it first becomes runnable, the highest-priority
// runnable thread always runs, and at depth-1 random decisions the thread
// that ran last drops below every initial priority. A bug of depth d is
// found with probability at least 1/(n * k^(d-1)) per execution, for n
// threads and k steps.
func PCT(src Source, depth, steps int) Strategy {
	depth = max(depth, 1)
	steps = max(steps, 1)
	p := &pct{src: src, depth: depth, prio: map[int]int{}}
	for i := 1; i < depth; i++ {
		p.change = append(p.change, src.Intn(steps))
	}
	return p
}

type pct struct {
	src    Source
	depth  int
	change []int // decision indexes where the running thread is demoted
	prio   map[int]int
	last   int
}

func (p *pct) Choose(d Decision) int {
	if d.Cases {
		return p.src.Intn(len(d.Runnable))
	}
	for _, id := range d.Runnable {
		if _, ok := p.prio[id]; !ok {
			// Initial priorities are above every demoted one (1..depth-1);
			// ties, unlikely, go to the lower thread number.
			p.prio[id] = p.depth + p.src.Intn(1<<20)
		}
	}
	if d.Continuing {
		for i, step := range p.change {
			if step == d.Step {
				p.prio[d.Runnable[0]] = p.depth - 1 - i
			}
		}
	}
	best := 0
	for i, id := range d.Runnable {
		if b := d.Runnable[best]; p.prio[id] > p.prio[b] || (p.prio[id] == p.prio[b] && id < b) {
			best = i
		}
	}
	return best
}

// Replay follows recorded picks, one per decision, and picks 0 after the
// last. Use [Choices] to take the picks of an execution. A replay that
// reaches a decision with fewer runnable threads than the recorded pick
// allows is off the recorded path; see Replayer.Diverged.
func Replay(picks []int) *Replayer { return &Replayer{picks: picks, diverged: -1} }

// Replayer is the Strategy returned by Replay.
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

// Choices returns the picks of an execution's decisions, for Replay.
func Choices(e *Execution) []int {
	picks := make([]int, len(e.Choices))
	for i, c := range e.Choices {
		picks[i] = c.Pick
	}
	return picks
}

// Trim returns picks without the trailing zeros, which Replay supplies
// anyway: the shortest equivalent schedule.
func Trim(picks []int) []int {
	i := len(picks)
	for i > 0 && picks[i-1] == 0 {
		i--
	}
	return slices.Clip(picks[:i])
}
