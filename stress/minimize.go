package stress

import (
	"slices"
	"time"
)

// selection picks operations out of a drawn scenario by index: what is
// left of it after minimization. A thread with no index left is dropped.
type selection struct {
	Init    []int   `json:"init"`
	Threads [][]int `json:"threads"`
	Post    []int   `json:"post"`
}

func selectAll[I any](sc Scenario[I]) selection {
	s := selection{Init: upto(len(sc.Init)), Post: upto(len(sc.Post))}
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

// apply returns the scenario that sel leaves of sc.
func apply[I any](sc Scenario[I], sel selection) Scenario[I] {
	pick := func(ops []I, idx []int) []I {
		var out []I
		for _, i := range idx {
			if i >= 0 && i < len(ops) {
				out = append(out, ops[i])
			}
		}
		return out
	}
	out := Scenario[I]{Init: pick(sc.Init, sel.Init), Post: pick(sc.Post, sel.Post)}
	for t, idx := range sel.Threads {
		if t < len(sc.Threads) {
			if ops := pick(sc.Threads[t], idx); len(ops) > 0 {
				out.Threads = append(out.Threads, ops)
			}
		}
	}
	return out
}

// smaller returns the selections with one operation fewer than sel, whole
// threads first, then operations from the end of each part.
func smaller(sel selection) []selection {
	clone := func() selection {
		c := selection{Init: slices.Clone(sel.Init), Post: slices.Clone(sel.Post)}
		for _, t := range sel.Threads {
			c.Threads = append(c.Threads, slices.Clone(t))
		}
		return c
	}
	var out []selection
	live := 0
	for _, t := range sel.Threads {
		if len(t) > 0 {
			live++
		}
	}
	for t := range sel.Threads {
		if len(sel.Threads[t]) > 1 && live > 1 {
			c := clone()
			c.Threads[t] = nil
			out = append(out, c)
		}
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
		all := selectAll(f.drawn)
		f.sel = &all
	}
	r.fewerSwitches(f, budget)
	for improved := true; improved && !r.poisoned && time.Now().Before(deadline); {
		improved = false
		for _, cand := range smaller(*f.sel) {
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
	if o.choices == nil {
		return []int{}
	}
	return o.choices
}
