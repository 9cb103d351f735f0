package sched

// NewWindowPCT returns PCT (see NewPCT) whose priority changes are aimed
// at atomicity violations, the class of bug where one thread reads shared
// state, is preempted, and acts on what it read (writes it, or
// compare-and-swaps it) after other threads changed it: lost updates,
// check-then-act on atomics, ABA. Such a bug needs the reader preempted
// in the window between its read and its write of the same variable, a
// step or two among the many of an execution, which a change point drawn
// uniformly over the steps rarely hits.
//
// A window is a decision where the thread that ran last could go on and
// its pending operation writes a variable that the thread has read since
// it last wrote it (the unserializable read-write pairs of AVIO and
// CTrigger, seen from the thread that is interrupted). windows is the
// expected number of windows in an execution, steps the expected number
// of decisions. In six executions of eight the depth-1 change points
// fall at uniformly drawn windows among the first windows; in the
// seventh, and in every execution when windows is 0 (code whose shared
// state is behind locks has none), at uniformly drawn decisions among
// the first steps, as in PCT, whose guarantee this keeps, divided by
// eight, for bugs of other classes (a reader that sees two writes half
// done); the eighth is a random walk, which preempts between two
// adjacent operations that are not a window (a transfer's debit and
// credit) far more often than PCT over the steps does. Drawing the
// kind per execution, not per change point, matters: a change point over
// the steps, in the same execution, mostly demotes a thread before the
// window is reached.
func NewWindowPCT(src Source, depth, steps, windows int) Strategy {
	depth = max(depth, 1)
	steps = max(steps, 1)
	w := &windowPCT{pct: pct{src: src, depth: depth, prio: map[int]int{}}}
	if windows > 0 {
		for i := 1; i < depth; i++ {
			w.window = append(w.window, src.Intn(windows))
		}
		switch src.Intn(8) {
		case 0:
			// A random walk, on a source of its own: PCT over the steps
			// rarely preempts a thread between two adjacent operations
			// that are not a window (a transfer's debit and credit).
			return NewRandomWalk(NewSource(uint64(src.Intn(256))<<8 | uint64(src.Intn(256))))
		case 1: // PCT over the steps, below
		default:
			return w
		}
		w.window = nil
	}
	for i := 1; i < depth; i++ {
		w.change = append(w.change, src.Intn(steps))
	}
	return w
}

type windowPCT struct {
	pct
	window  []int // the windows where the change points fall, if they do
	windows int   // windows met so far
	reads   readSets
}

func (w *windowPCT) Choose(d Decision) int {
	w.reads.note(d.Ran)
	if !d.Cases && d.Continuing && len(d.Pending) > 0 && w.reads.window(d.Pending[0]) {
		for i, n := range w.window {
			if n == w.windows {
				w.prio[d.Runnable[0]] = w.depth - 1 - i
			}
		}
		w.windows++
	}
	return w.pct.Choose(d)
}

// readSets holds, per thread, the variables it has read since it last
// wrote them.
type readSets [][]uintptr

// note records the operations done, in order.
func (r *readSets) note(ran []Access) {
	for _, a := range ran {
		if a.Obj == 0 {
			continue
		}
		for a.Thread >= len(*r) {
			*r = append(*r, nil)
		}
		set := (*r)[a.Thread]
		i := 0
		for i < len(set) && set[i] != a.Obj {
			i++
		}
		switch {
		case a.Write && i < len(set):
			set[i] = set[len(set)-1]
			(*r)[a.Thread] = set[:len(set)-1]
		case !a.Write && i == len(set):
			(*r)[a.Thread] = append(set, a.Obj)
		}
	}
}

// window reports whether the pending operation p writes a variable its
// thread has read since it last wrote it.
func (r readSets) window(p Access) bool {
	if !p.Write || p.Obj == 0 || p.Thread >= len(r) {
		return false
	}
	for _, o := range r[p.Thread] {
		if o == p.Obj {
			return true
		}
	}
	return false
}

// CountWindows wraps s to count the windows (see NewWindowPCT) of the
// executions it decides, into *n.
func CountWindows(s Strategy, n *int) Strategy { return &windowCounter{s: s, n: n} }

type windowCounter struct {
	s     Strategy
	n     *int
	reads readSets
}

func (c *windowCounter) Choose(d Decision) int {
	c.reads.note(d.Ran)
	if !d.Cases && d.Continuing && len(d.Pending) > 0 && c.reads.window(d.Pending[0]) {
		*c.n++
	}
	return c.s.Choose(d)
}
