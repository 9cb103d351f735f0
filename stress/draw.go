package stress

import "pgregory.net/rapid"

// What a search draws through rapid: the scenario, and the tape its
// schedule is read from.

// tapeLen is the number of random values a strategy reads for a scenario
// of ops operations on threads threads: for a random walk or POS, about
// eight scheduling decisions per operation; for PCT, its change points
// and a priority per thread, with room for a few goroutines the type
// starts. Values nobody reads would cost
// rapid a try each when it shrinks.
func tapeLen(s Strategy, depth, ops, threads int) int {
	switch s {
	case PCT, LearnedPCT:
		return depth - 1 + threads + 2 + 4
	case WindowPCT:
		return 2*(depth-1) + 1 + threads + 2 + 4
	}
	return 8*ops + 16
}

// draw draws a scenario within b. It uses rapid's slice generators,
// whose elements rapid knows how to delete when it shrinks.
//
// The number of threads and each thread's length are drawn in two steps:
// a least count, uniformly within the bounds, then a slice of at least
// that many up to the bound. rapid's slices alone are short (a thread of
// 1 to 4 operations has 1 two times in five), while bugs often need two
// or three operations in a thread, or a third thread, to show: over
// seeds 1-100, window-pct finds ABA in 110 executions on average instead
// of 292, SeparateLen in 35 instead of 99. rapid shrinks a least count
// toward its minimum, after which it can delete elements as before. For
// a model that says when operations wait, Init operations are drawn one
// time in initOf (initGen).
func (r *runner[T, I, O]) draw(rt *rapid.T, b bounds) Scenario[I] {
	return r.drawScenario(rt, b, true)
}

// drawScenario is draw, with rapid's slices alone unless long: the fuzz
// targets draw that way (fuzzInputs).
func (r *runner[T, I, O]) drawScenario(rt *rapid.T, b bounds, long bool) Scenario[I] {
	if r.spec.scenario != nil {
		r.spec.scenario()
	}
	g := r.scenarioGens(b, long)
	least := min(2, b.Threads)
	if long {
		least = g.leastThreads.Draw(rt, "least threads")
	}
	sc := Scenario[I]{Threads: g.threads[least].Draw(rt, "threads")}
	if !long || !r.mayBlock() || initGen.Draw(rt, "with init") == initOf-1 {
		sc.Init = g.init.Draw(rt, "init")
	}
	sc.Post = g.post.Draw(rt, "post")
	return sc
}

// initGen draws whether a long scenario of a model that says when its
// operations wait (Blocks) has Init operations: one time in initOf. The
// bugs of such types are lost wakeups, where several threads wait on
// an empty or full state and another releases them: an Init operation
// fills what they would wait on, or waits itself, and then the
// scenario's threads never run. Over 4000 scenarios of
// examples/blocking's buffer, the threads could lose a wakeup in 11% of
// those with no Init and 4% of the others.
var initGen = rapid.IntRange(0, initOf-1)

const initOf = 4

// leastWaiting: a long scenario of a model with Blocks has at least 3
// threads, within the bounds. A type whose operations wait shows its
// bugs with threads waiting and others waking them: two Takes waiting
// and a Put that wakes one (a lost wakeup), or Signal for Broadcast; a
// scenario of 2 threads can hold few of them, and a third thread costs a
// bug of two little (minimization takes it out). rapid still shrinks the
// count, to 3.

// scenarioGens holds the generators drawScenario uses for some bounds:
// made once, since a generator is immutable, and making them for every
// scenario cost a tenth of a controlled search's time.
type scenarioGens[I any] struct {
	leastThreads *rapid.Generator[int]
	threads      []*rapid.Generator[[][]I] // by least count of threads
	init, post   *rapid.Generator[[]I]
}

type gensKey struct {
	b    bounds
	long bool
}

// scenarioGens returns the generators for scenarios within b, long or
// not (see drawScenario).
func (r *runner[T, I, O]) scenarioGens(b bounds, long bool) *scenarioGens[I] {
	r.gensMu.Lock()
	defer r.gensMu.Unlock()
	k := gensKey{b, long}
	if g, ok := r.gens[k]; ok {
		return g
	}
	thread := rapid.SliceOfN(r.spec.Ops, 1, b.Ops)
	first := min(2, b.Threads)
	if long && r.mayBlock() {
		first = min(3, b.Threads) // see leastWaiting
	}
	g := &scenarioGens[I]{
		leastThreads: rapid.IntRange(first, b.Threads),
		threads:      make([]*rapid.Generator[[][]I], b.Threads+1),
		init:         rapid.SliceOfN(r.spec.Ops, 0, b.Init),
		post:         rapid.SliceOfN(r.spec.Ops, 0, b.Post),
	}
	if long {
		leastOps := rapid.IntRange(1, b.Ops)
		ops := make([]*rapid.Generator[[]I], b.Ops+1)
		for n := 1; n <= b.Ops; n++ {
			ops[n] = rapid.SliceOfN(r.spec.Ops, n, b.Ops)
		}
		thread = rapid.Custom(func(t *rapid.T) []I {
			return ops[leastOps.Draw(t, "least ops")].Draw(t, "ops")
		})
	}
	for n := first; n <= b.Threads; n++ {
		g.threads[n] = rapid.SliceOfN(thread, n, b.Threads)
	}
	if r.gens == nil {
		r.gens = map[gensKey]*scenarioGens[I]{}
	}
	r.gens[k] = g
	return g
}

// tape is a schedule drawn through rapid before the execution starts: a
// fixed number of values, read one per random choice, then zeros. Drawing
// it up front keeps every draw on the property's goroutine, and its length
// depends only on the scenario's size, so when rapid removes operations
// the schedule only gets shorter: a lazily drawn schedule would run past
// the end of rapid's shrunk data and make every smaller scenario invalid.
// rapid shrinks the values toward 0, which means "keep running the current
// thread".
type tape struct {
	vals []int
	next int
}

// drawTape draws the schedule for sc, tapeLen values.
func (r *runner[T, I, O]) drawTape(rt *rapid.T, sc Scenario[I]) *tape {
	n := tapeLen(r.cfg.strategy, r.cfg.depth, sc.Size(), len(sc.Threads))
	t := &tape{vals: make([]int, n)}
	for i := range t.vals {
		t.vals[i] = pickGen.Draw(rt, "pick")
	}
	return t
}

// pickGen draws a tape's values. Made once: a generator is immutable,
// and making one for each value took a fifth of a random-walk search's
// time.
var pickGen = rapid.IntRange(0, 255)

func (t *tape) Intn(n int) int {
	if t.next >= len(t.vals) {
		return 0
	}
	v := t.vals[t.next]
	t.next++
	return v % n
}
