package stress

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/interleave-go/interleave/sched"
)

// selection picks operations out of a drawn scenario by index: what is
// left of it after minimization. A thread with no index left is dropped.
// Finally selects the Spec's Finally operations; null (as in replay files
// written before it existed) keeps them all.
type selection struct {
	Init    []int   `json:"init"`
	Threads [][]int `json:"threads"`
	Post    []int   `json:"post"`
	Finally []int   `json:"finally"`
}

func selectAll[I any](sc Scenario[I], finally int) selection {
	s := selection{Init: upto(len(sc.Init)), Post: upto(len(sc.Post)), Finally: upto(finally)}
	for _, th := range sc.Threads {
		s.Threads = append(s.Threads, upto(len(th)))
	}
	return s
}

func upto(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// pick returns the elements of ops at the indices idx.
func pick[E any](ops []E, idx []int) []E {
	var out []E
	for _, i := range idx {
		if i >= 0 && i < len(ops) {
			out = append(out, ops[i])
		}
	}
	return out
}

// apply returns the scenario that sel leaves of sc.
func apply[I any](sc Scenario[I], sel selection) Scenario[I] {
	out := Scenario[I]{Init: pick(sc.Init, sel.Init), Post: pick(sc.Post, sel.Post), finally: sel.Finally}
	for t, idx := range sel.Threads {
		if t < len(sc.Threads) {
			if ops := pick(sc.Threads[t], idx); len(ops) > 0 {
				out.Threads = append(out.Threads, ops)
			}
		}
	}
	return out
}

// finallyOf returns the operations of finally that sc runs.
func finallyOf[I any](finally []I, sc Scenario[I]) []I {
	if sc.finally == nil {
		return finally
	}
	return pick(finally, sc.finally)
}

// smaller returns the selections with fewer operations than sel: whole
// threads first, then all of Finally at once (a drain that does not
// matter goes in one step), then operations one at a time, from the end
// of each part.
func smaller(sel selection) []selection {
	clone := func() selection {
		c := selection{Init: slices.Clone(sel.Init), Post: slices.Clone(sel.Post), Finally: slices.Clone(sel.Finally)}
		for _, t := range sel.Threads {
			c.Threads = append(c.Threads, slices.Clone(t))
		}
		return c
	}
	var out []selection
	live := sel.liveThreads()
	for t := range sel.Threads {
		if len(sel.Threads[t]) > 1 && live > 1 {
			c := clone()
			c.Threads[t] = nil
			out = append(out, c)
		}
	}
	if len(sel.Finally) > 1 {
		c := clone()
		c.Finally = []int{}
		out = append(out, c)
	}
	drop := func(get func(*selection) *[]int, keepOne bool) {
		n := len(*get(&sel))
		if keepOne && n == 1 && live == 1 {
			return
		}
		for i := n - 1; i >= 0; i-- {
			c := clone()
			p := get(&c)
			*p = slices.Delete(*p, i, i+1)
			out = append(out, c)
		}
	}
	drop(func(s *selection) *[]int { return &s.Init }, false)
	for t := range sel.Threads {
		drop(func(s *selection) *[]int { return &s.Threads[t] }, true)
	}
	drop(func(s *selection) *[]int { return &s.Post }, false)
	drop(func(s *selection) *[]int { return &s.Finally }, false)
	return out
}

// minimize removes operations from a controlled failure's scenario as
// long as some schedule still fails the same way, checking every
// candidate by exhaustive search up to the preemptions the failure needs,
// fewest first (the way Lincheck minimizes). rapid shrinks scenarios and
// schedules together, but a schedule is a chain of relative choices, and
// removing an operation scrambles it; exhaustive search does not care.
// The result has, for its scenario, the fewest context switches.
func (r *runner[T, I, O]) minimize(f *found[I]) {
	const budget = 3000 // executions per candidate and bound
	deadline := time.Now().Add(min(r.cfg.shrink, 20*time.Second))
	if f.sel == nil {
		all := selectAll(f.drawn, len(r.spec.Finally))
		f.sel = &all
	}
	if f.picks == nil && !f.probe {
		// Replay the schedule run, not the one the draws encode: a
		// strategy's parameters measured before the search (LearnedPCT's
		// length, WindowPCT's windows) are not in the replay file.
		f.picks = schedule(f.o)
	}
	r.fewerSwitches(f, budget)
	began, said := time.Now(), false
	for improved := true; improved && !r.poisoned && time.Now().Before(deadline); {
		improved = false
		for _, cand := range smaller(*f.sel) {
			if !said && time.Since(began) > 2*time.Second {
				said = true
				r.t.Logf("stress: minimizing a %v under controlled scheduling: %d operations left after %v (at most %v; -stress.shrinktime)", f.o.kind, f.sc.Size(), time.Since(began).Round(time.Second), time.Until(deadline).Round(time.Second)+time.Since(began).Round(time.Second))
			}
			sc := apply(f.drawn, cand)
			if len(sc.Threads) == 0 {
				continue
			}
			for b := 0; b <= f.o.preemptions && !improved; b++ {
				if o, ok := r.explore(sc, b, f.o.kind, budget); ok {
					c := cand
					f.sc, f.sel, f.o, f.picks = sc, &c, o, schedule(o)
					improved = true
				}
			}
			if improved || r.poisoned || time.Now().After(deadline) {
				break
			}
		}
	}
}

// fewerSwitches looks for a schedule of f's scenario with fewer context
// switches that fails the same way, by exhaustive search with increasing
// preemption bounds.
func (r *runner[T, I, O]) fewerSwitches(f *found[I], budget int) {
	for b := 0; b < f.o.preemptions; b++ {
		if o, ok := r.explore(f.sc, b, f.o.kind, budget); ok {
			f.o, f.picks = o, schedule(o)
			return
		}
	}
}

// schedule returns the choices that replay o's controlled execution, never
// nil: nil means "no schedule, use the drawn one", while an execution
// without a context switch has an empty one.
func schedule(o outcome) []int {
	if c := o.choices(); c != nil {
		return c
	}
	return []int{}
}

// Budgets for minimizing a hang. A hang costs a watchdog period to see
// and leaves goroutines behind that nothing can reclaim, so each smaller
// candidate runs under a short watchdog, hangProbe, and at most
// hangCandidates of them may hang: with the default 5 s timeout, a
// candidate gets 250 ms and the report comes at most about 2.5 s after the
// hang was seen, within 10 s of the start (see TestHangBudget). A
// candidate that would have ended after hangProbe counts as hanging; the
// report says so. The probe is long enough that a scenario of a few
// operations is not taken for a hang on a loaded machine (at 50 ms, one
// that could not hang was shown as the minimal hang).
const (
	hangProbeDiv   = 20 // hangProbe is the execution timeout divided by this
	hangProbeMin   = 100 * time.Millisecond
	hangCandidates = 5
)

// hangProbe returns how long a smaller candidate of a hang may run.
func hangProbe(timeout time.Duration) time.Duration {
	return min(timeout, max(timeout/hangProbeDiv, hangProbeMin))
}

// shrink removes operations from a failure that controlled scheduling
// cannot minimize (a stress failure on code that does not use package
// sched, a failure under fake time, a hang): it tries the scenarios one
// operation smaller, whole threads and the Spec's Finally first, and keeps
// the first that fails the same way, until none does or the budget is
// spent. In stress mode a candidate runs up to the configured runs
// (-stress.runs) times, since the failure needs its interleaving to recur;
// a candidate that does not fail is kept out, so what is shown always
// failed as shown.
func (r *runner[T, I, O]) shrink(f *found[I]) {
	if r.fuzzing || r.cfg.replay != "" {
		return
	}
	began := time.Now()
	budget := r.cfg.shrink - r.rapidShrink(Stress)
	hang := f.o.kind == Hang
	if hang {
		timeout := r.cfg.hangTimeout
		r.cfg.hangTimeout = hangProbe(timeout)
		defer func() { r.cfg.hangTimeout = timeout }()
	} else if r.poisoned {
		return
	}
	deadline := began.Add(budget)
	if f.sel == nil {
		all := selectAll(f.drawn, len(r.spec.Finally))
		f.sel = &all
	}
	size := func(sc Scenario[I]) int { return sc.Size() + len(finallyOf(r.spec.Finally, sc)) }
	r.logf("minimizing a %v of %d operations (budget %v)", f.o.kind, size(f.sc), budget)
	said, hangs, tried := false, 0, 0
	// A stress failure needs its interleaving to come up again: each
	// candidate runs for up to ten times as long as the failing scenario
	// takes to fail, measured over three failures, at least 1/300 and at
	// most 1/100 of the budget (100 ms and 300 ms by default). A scenario that
	// does not fail again within a tenth of the budget is left as found:
	// its smaller candidates would not fail either.
	tries, slice := r.cfg.runs, budget
	if f.mode == Stress && !hang {
		tries = math.MaxInt
		fails, began := 0, time.Now()
		for fails < 3 {
			if _, _, ok := r.reproduce(f, f.sc, tries, began.Add(budget/10)); !ok {
				break
			}
			fails++
		}
		if fails == 0 {
			r.logf("minimizing: the scenario did not fail again within %v; left as found", budget/10)
			return
		}
		slice = min(max(10*time.Since(began)/time.Duration(fails), budget/300), budget/100)
		r.logf("minimizing: the scenario failed %d times in %v; each candidate gets %v", fails, time.Since(began).Round(time.Millisecond), slice.Round(time.Millisecond))
	}
	for improved := true; improved; {
		improved = false
		for _, cand := range append(halves(*f.sel), smaller(*f.sel)...) {
			if time.Now().After(deadline) || hangs >= hangCandidates || (!hang && r.poisoned) {
				r.logf("minimization stopped: budget spent (%d candidates tried)", tried)
				return
			}
			if !said && time.Since(began) > 2*time.Second {
				said = true
				r.t.Logf("stress: minimizing a %v: %d operations left after %v (at most %v; -stress.shrinktime)", f.o.kind, size(f.sc), time.Since(began).Round(time.Second), budget)
			}
			sc := apply(f.drawn, cand)
			if len(sc.Threads) == 0 {
				continue
			}
			tried++
			until := time.Now().Add(slice)
			if deadline.Before(until) {
				until = deadline
			}
			if o, _, ok := r.reproduce(f, sc, tries, until); ok {
				c := cand
				f.sc, f.sel, f.o = sc, &c, o
				if f.mode == Controlled {
					f.picks = schedule(o)
				}
				if hang {
					hangs++
				}
				r.logf("minimizing: %d operations fail the same way", size(sc))
				improved = true
				break
			}
		}
	}
	r.logf("minimized to %d operations in %v (%d candidates tried)", size(f.sc), time.Since(began).Round(time.Millisecond), tried)
	if hang && hangs > 0 {
		f.shrinkNote = fmt.Sprintf("minimized by running smaller scenarios under a %v watchdog each (a hang cannot be run again at full length: its goroutines are never reclaimed)", r.cfg.hangTimeout)
	}
}

// liveThreads counts the threads that keep an operation.
func (sel selection) liveThreads() int {
	live := 0
	for _, t := range sel.Threads {
		if len(t) > 0 {
			live++
		}
	}
	return live
}

// halves returns the selections that keep one thread only, or drop the
// second half of a thread or of Finally: big steps first, so that a
// costly failure (a hang) shrinks in few tries.
func halves(sel selection) []selection {
	var out []selection
	live := sel.liveThreads()
	for t := range sel.Threads {
		if live > 1 && len(sel.Threads[t]) > 0 {
			c := selection{Init: sel.Init, Post: sel.Post, Finally: sel.Finally, Threads: make([][]int, len(sel.Threads))}
			c.Threads[t] = sel.Threads[t]
			out = append(out, c)
		}
	}
	for t, ops := range sel.Threads {
		if len(ops) > 2 {
			c := selection{Init: sel.Init, Post: sel.Post, Finally: sel.Finally, Threads: slices.Clone(sel.Threads)}
			c.Threads[t] = ops[:len(ops)/2]
			out = append(out, c)
		}
	}
	if len(sel.Finally) > 2 {
		c := sel
		c.Finally = sel.Finally[:len(sel.Finally)/2]
		out = append(out, c)
	}
	return out
}

// reproduce runs sc, a smaller candidate of f, the way f was found, up to
// tries times in stress mode, and returns an outcome of f's kind if one
// comes up, with the number of runs it took.
func (r *runner[T, I, O]) reproduce(f *found[I], sc Scenario[I], tries int, deadline time.Time) (outcome, int, bool) {
	if f.mode == Controlled {
		// Without a preemption, then the failure's own choices (relative
		// choices: they still mean something in a smaller scenario).
		for i, picks := range [][]int{nil, f.o.choices()} {
			o := r.controlledOnce(sc, sched.NewReplay(picks))
			r.executions++
			r.total++
			if o.kind == f.o.kind {
				return o, i + 1, true
			}
		}
		return outcome{}, 2, false
	}
	for i := 0; i < tries && time.Now().Before(deadline); i++ {
		o := r.stressOnce(sc)
		r.executions++
		r.total++
		if o.kind == f.o.kind {
			return o, i + 1, true
		}
		if o.kind == Hang {
			return outcome{}, i + 1, false // it poisoned the runner: stop
		}
	}
	return outcome{}, tries, false
}

// rapidShrink is the time rapid may spend shrinking a failure in mode. In
// stress mode it shrinks only under fake time (see run), and gets half of
// the shrink budget, leaving the rest to shrink's deletion pass.
func (r *runner[T, I, O]) rapidShrink(mode Mode) time.Duration {
	if mode == Stress && r.spec.FakeTime {
		return r.cfg.shrink / 2
	}
	if mode == Stress {
		return 0
	}
	return r.cfg.shrink
}
