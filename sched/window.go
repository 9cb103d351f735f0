package sched

// NewWindowPCT returns PCT (see NewPCT) whose priority changes are aimed
// at atomicity violations, the class of bug where one thread reads shared
// state, is preempted, and acts on what it read (writes it, or
// compare-and-swaps it) after other threads changed it: lost updates,
// check-then-act on atomics, ABA; or where one thread updates a variable
// in two steps and others see the state between them. Such a bug needs
// the thread preempted in a window of a step or two among the many of an
// execution, which a change point drawn uniformly over the steps rarely
// hits.
//
// A window is a decision where the thread that ran last could go on and
// its pending operation writes a variable that the thread has read since
// it last wrote it (the unserializable read-write pairs of AVIO and
// CTrigger, seen from the thread that is interrupted), or has written
// already in the same operation of the scenario (a transfer from a
// counter to itself: a reader in between sees it short), or, if the
// variable is shared (two threads or more have accessed it so far), a
// write after the operation wrote another shared variable (a count, then
// a sum: a reader in between sees them torn). A Mutex's Lock and Unlock
// are no part of a window, and a variable only one thread has touched
// (a node not yet published) is not shared. windows is the expected
// number of windows in an execution, steps the expected number of
// decisions.
//
// In seven executions of eight (by the value drawn; with rapid's draws,
// about seven in eight too) depth change points, one more than PCT's,
// fall at uniformly drawn windows among the first windows, and a thread
// demoted at one goes below every initial priority but above the
// threads demoted before it: the first thread interrupted stays
// interrupted until the others are done or blocked, which is what a bug
// of one preemption needs (ABA: another thread pops and pushes). In the
// eighth execution, and in every execution when windows is 0 (code whose
// shared state is behind locks has none), the depth-1 change points fall
// at uniformly drawn decisions among the first steps, as in PCT, whose
// guarantee this keeps, divided by eight, for bugs of other classes.
// Drawing the kind per execution, not per change point, matters: a
// change point over the steps, in the same execution, mostly demotes a
// thread before the window is reached.
func NewWindowPCT(src Source, depth, steps, windows int) Strategy {
	depth = max(depth, 1)
	steps = max(steps, 1)
	w := &windowPCT{pct: pct{src: src, depth: depth, prio: map[int]int{}}}
	if windows > 0 {
		for range depth {
			w.window = append(w.window, src.Intn(windows))
		}
		if src.Intn(8) != 7 {
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
	fired   int   // change points met so far
	reads   readSets
}

func (w *windowPCT) Choose(d Decision) int {
	w.reads.note(d.Ran)
	if !d.Cases && d.Continuing && len(d.Pending) > 0 && w.reads.window(d.Pending[0]) {
		for _, n := range w.window {
			if n == w.windows {
				// Below every initial priority (depth and up), and above
				// the threads demoted before.
				w.prio[d.Runnable[0]] = w.fired
				w.fired++
			}
		}
		w.windows++
	}
	return w.pct.Choose(d)
}

// readSets holds, per thread, the variables it has read since it last
// wrote them, and those it has written in the operation of the scenario
// it is in (since its last call); and which variables are shared.
type readSets struct {
	read, wrote [][]uintptr
	// seen holds every variable accessed, with the thread that first
	// did, or -1 once another thread has accessed it too (shared): in a
	// slice while there are few, then in seenMap, so that an execution
	// over many variables does not scan them all at every access.
	seen    []seenBy
	seenMap map[uintptr]int
}

// maxSeen is the most variables seen holds before seenMap takes over.
const maxSeen = 32

type seenBy struct {
	obj    uintptr
	thread int
}

// note records the operations done, in order. A Lock or Unlock of a
// mutex (Access.Lock) is none of these: a mutex's state between its Lock
// and its Unlock is no intermediate state of what it guards.
func (r *readSets) note(ran []Access) {
	for _, a := range ran {
		if a.Call {
			r.forget(a.Thread)
		}
		if a.Obj != 0 && !a.Lock {
			r.see(a)
			for a.Thread >= len(r.read) {
				r.read, r.wrote = append(r.read, nil), append(r.wrote, nil)
			}
			set := r.read[a.Thread]
			i := index(set, a.Obj)
			switch {
			case a.Write && i >= 0:
				set[i] = set[len(set)-1]
				r.read[a.Thread] = set[:len(set)-1]
			case !a.Write && i < 0:
				r.read[a.Thread] = bounded(set, a.Obj)
			}
			if a.Write && index(r.wrote[a.Thread], a.Obj) < 0 {
				r.wrote[a.Thread] = bounded(r.wrote[a.Thread], a.Obj)
			}
		}
		if a.Return {
			r.forget(a.Thread)
		}
	}
}

// forget ends the operation thread was in.
func (r *readSets) forget(thread int) {
	if thread < len(r.wrote) {
		r.wrote[thread] = r.wrote[thread][:0]
	}
}

// see records a's access to its variable.
func (r *readSets) see(a Access) {
	if r.seenMap != nil {
		if t, ok := r.seenMap[a.Obj]; !ok {
			r.seenMap[a.Obj] = a.Thread
		} else if t != a.Thread {
			r.seenMap[a.Obj] = -1
		}
		return
	}
	for i := range r.seen {
		if s := &r.seen[i]; s.obj == a.Obj {
			if s.thread != a.Thread {
				s.thread = -1
			}
			return
		}
	}
	r.seen = append(r.seen, seenBy{a.Obj, a.Thread})
	if len(r.seen) > maxSeen {
		r.seenMap = make(map[uintptr]int, 2*len(r.seen))
		for _, s := range r.seen {
			r.seenMap[s.obj] = s.thread
		}
		r.seen = nil
	}
}

// shared reports whether two threads or more have accessed obj.
func (r *readSets) shared(obj uintptr) bool {
	if r.seenMap != nil {
		t, ok := r.seenMap[obj]
		return ok && t < 0
	}
	for _, s := range r.seen {
		if s.obj == obj {
			return s.thread < 0
		}
	}
	return false
}

// bounded appends obj to set, dropping the oldest when set holds maxSet
// already: a window is a step or two after the read or write that makes
// it, and a thread that touches many variables in one operation (a test
// body, a loop over an array) would otherwise make every step scan them
// all.
func bounded(set []uintptr, obj uintptr) []uintptr {
	if len(set) == maxSet {
		set = append(set[:0], set[1:]...)
	}
	return append(set, obj)
}

// maxSet bounds a thread's read and write sets.
const maxSet = 16

func index(set []uintptr, obj uintptr) int {
	for i, o := range set {
		if o == obj {
			return i
		}
	}
	return -1
}

// window reports whether the pending operation p writes a variable its
// thread has read since it last wrote it, or has written already in the
// same operation, or a shared variable after the operation wrote another
// shared one: the write that ends a read-modify-write, or the second
// write of a multi-step update whose intermediate state other threads
// can see.
func (r readSets) window(p Access) bool {
	if !p.Write || p.Obj == 0 || p.Lock || p.Thread >= len(r.read) {
		return false
	}
	if index(r.read[p.Thread], p.Obj) >= 0 || index(r.wrote[p.Thread], p.Obj) >= 0 {
		return true
	}
	if r.shared(p.Obj) {
		for _, o := range r.wrote[p.Thread] {
			if r.shared(o) {
				return true
			}
		}
	}
	return false
}

// WindowsMet returns the windows (see NewWindowPCT) that s, made by
// NewWindowPCT, met in the execution it decided, and false for a
// strategy of another kind: the count CountWindows would give, without
// tracking the accesses twice.
func WindowsMet(s Strategy) (int, bool) {
	w, ok := s.(*windowPCT)
	if !ok {
		return 0, false
	}
	return w.windows, true
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
