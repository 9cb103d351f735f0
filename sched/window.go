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
// (a node not yet published) is not shared.
//
// A decision where the thread that ran last could go on and another
// thread was woken since the previous one (a Signal, Broadcast or
// WaitGroup's Done readied it: Decision.Woken; not a channel operation,
// see chanRun.fire) is a window
// too, where the woken thread, not the one that ran, is demoted: the
// waker goes on while the woken thread has yet to act on its wake-up,
// which is what a lost wakeup needs (two Takes wait, the first Put wakes
// one, the second Put, seeing the buffer not empty, signals nobody), and
// Signal for Broadcast, or a semaphore released twice. A Mutex handed on
// to a thread waiting to lock it is none. And a decision where the
// thread that ran last could go on to a Cond's Wait is a window, where
// it is demoted: the signal meant for it can come between its check of
// the condition and its Wait, and is lost (a flag set and signalled
// without the lock). windows is the expected number of windows in an
// execution, steps the expected number of decisions.
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
	w := &windowPCT{pct: pct{src: src, depth: depth}}
	w.init()
	w.window = w.windowBuf[:0]
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
	window    []int // the windows where the change points fall, if they do
	windowBuf [4]int
	windows   int // windows met so far
	fired     int // change points met so far
	reads     readSets
}

func (w *windowPCT) Choose(d Decision) int {
	w.reads.note(d.Ran)
	if !d.Cases && d.Continuing {
		if len(d.Pending) > 0 && w.reads.window(d.Pending[0]) {
			w.meet(d.Runnable[0])
		}
		if i := woken(d); i > 0 {
			w.meet(d.Runnable[i])
		}
	}
	return w.pct.Choose(d)
}

// meet counts a window, demoting thread if a change point falls there:
// below every initial priority (depth and up), and above the threads
// demoted before.
func (w *windowPCT) meet(thread int) {
	for _, n := range w.window {
		if n == w.windows {
			w.setPrio(thread, w.fired)
			w.fired++
		}
	}
	w.windows++
}

// woken returns the index in d.Runnable of the first thread, other than
// the one that ran last, that was woken since the previous decision
// (Decision.Woken) and can run, or -1. Called only when d.Continuing.
func woken(d Decision) int {
	for _, id := range d.Woken {
		for i, r := range d.Runnable[1:] {
			if r == id {
				return i + 1
			}
		}
	}
	return -1
}

// readSets holds, per thread, the variables it has read since it last
// wrote them, and those it has written in the operation of the scenario
// it is in (since its last call); and which variables are shared. The
// sets of the first few threads, and the first variables seen, are in
// arrays of its own, so that it costs no allocation of its own in most
// executions.
type readSets struct {
	few  [4]threadSets
	more []threadSets // threads 4 and up
	// seen holds every variable accessed, with the thread that first
	// did, or -1 once another thread has accessed it too (shared): in an
	// array while there are few, then in seenMap, so that an execution
	// over many variables does not scan them all at every access.
	seen    [maxSeen]seenBy
	nSeen   int
	seenMap map[uintptr]int
}

// threadSets are one thread's read and write sets (see readSets).
type threadSets struct {
	read, wrote   [maxSet]uintptr
	nRead, nWrote int
}

// maxSeen is the most variables seen holds before seenMap takes over.
const maxSeen = 32

type seenBy struct {
	obj    uintptr
	thread int
}

// sets returns thread's sets, made if need be.
func (r *readSets) sets(thread int) *threadSets {
	if thread < len(r.few) {
		return &r.few[thread]
	}
	for thread-len(r.few) >= len(r.more) {
		r.more = append(r.more, threadSets{})
	}
	return &r.more[thread-len(r.few)]
}

// lookup returns thread's sets, or nil if it has none yet.
func (r *readSets) lookup(thread int) *threadSets {
	if thread < len(r.few) {
		return &r.few[thread]
	}
	if thread-len(r.few) < len(r.more) {
		return &r.more[thread-len(r.few)]
	}
	return nil
}

// note records the operations done, in order. A Lock or Unlock of a
// mutex (Access.Lock) is none of these: a mutex's state between its Lock
// and its Unlock is no intermediate state of what it guards.
func (r *readSets) note(ran []Access) {
	for _, a := range ran {
		if a.Call || a.Return || a.Obj != 0 && !a.Lock {
			t := r.sets(a.Thread)
			if a.Call {
				t.nWrote = 0 // a new operation
			}
			if a.Obj != 0 && !a.Lock {
				r.see(a)
				i := index(t.read[:t.nRead], a.Obj)
				switch {
				case a.Write && i >= 0:
					t.nRead--
					t.read[i] = t.read[t.nRead]
				case !a.Write && i < 0:
					t.nRead = bounded(&t.read, t.nRead, a.Obj)
				}
				if a.Write && index(t.wrote[:t.nWrote], a.Obj) < 0 {
					t.nWrote = bounded(&t.wrote, t.nWrote, a.Obj)
				}
			}
			if a.Return {
				t.nWrote = 0 // the operation ended
			}
		}
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
	for i := range r.seen[:r.nSeen] {
		if s := &r.seen[i]; s.obj == a.Obj {
			if s.thread != a.Thread {
				s.thread = -1
			}
			return
		}
	}
	if r.nSeen < maxSeen {
		r.seen[r.nSeen] = seenBy{a.Obj, a.Thread}
		r.nSeen++
		return
	}
	r.seenMap = make(map[uintptr]int, 4*maxSeen)
	for _, s := range r.seen {
		r.seenMap[s.obj] = s.thread
	}
	r.seenMap[a.Obj] = a.Thread
}

// shared reports whether two threads or more have accessed obj.
func (r *readSets) shared(obj uintptr) bool {
	if r.seenMap != nil {
		t, ok := r.seenMap[obj]
		return ok && t < 0
	}
	for _, s := range r.seen[:r.nSeen] {
		if s.obj == obj {
			return s.thread < 0
		}
	}
	return false
}

// bounded adds obj to the set of n variables in set and returns the new
// count, dropping the oldest when set is full: a window is a step or two
// after the read or write that makes it, and a thread that touches many
// variables in one operation (a test body, a loop over an array) would
// otherwise make every step scan them all.
func bounded(set *[maxSet]uintptr, n int, obj uintptr) int {
	if n == maxSet {
		copy(set[:], set[1:])
		n--
	}
	set[n] = obj
	return n + 1
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
// can see; or whether p is a Cond's Wait, which acts on the condition
// its thread checked before.
func (r *readSets) window(p Access) bool {
	if p.Wait {
		return true
	}
	if !p.Write || p.Obj == 0 || p.Lock {
		return false
	}
	t := r.lookup(p.Thread)
	if t == nil {
		return false
	}
	wrote := t.wrote[:t.nWrote]
	if index(t.read[:t.nRead], p.Obj) >= 0 || index(wrote, p.Obj) >= 0 {
		return true
	}
	if r.shared(p.Obj) {
		for _, o := range wrote {
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
	if !d.Cases && d.Continuing {
		if len(d.Pending) > 0 && c.reads.window(d.Pending[0]) {
			*c.n++
		}
		if woken(d) > 0 {
			*c.n++
		}
	}
	return c.s.Choose(d)
}
