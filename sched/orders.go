package sched

// Order is the order in which an execution ran two conflicting accesses
// of different threads to one variable: First, then Then. Two accesses
// conflict when one of them writes (a Load, a failed CompareAndSwap, an
// RLock or RUnlock only reads; a Lock, an Unlock, a successful
// CompareAndSwap and the other atomic operations write).
//
// Each access is paired with the one it follows: a write with the last
// access to the variable, a read with the last write, when made by
// another thread that could run at the same time (threads of different
// phases never do). Across executions, a pair seen in one order only is
// an interleaving the search never tried the other way (see Reversed).
type Order struct {
	Var         int
	First, Then Actor
}

// Actor is the thread that made an access and the kind of operation it
// did: an access named without its site, which no search records.
type Actor struct {
	Thread int
	Kind   EventKind
}

// Reversed returns the order of the same two accesses the other way.
func (o Order) Reversed() Order { return Order{Var: o.Var, First: o.Then, Then: o.First} }

// lastAccess is what noteOrder remembers of a variable: its last access
// and its last write, by thread (numbered from 1; 0 is none) and kind.
type lastAccess struct{ any, write actor }

type actor struct {
	thread int // the thread's number + 1, 0 for none
	phase  int // its phase, or -1 for a goroutine started with Go
	kind   EventKind
}

// noteOrder notes the order of e, an access of t, after the access it
// follows, if another thread's, in s.orders. Called with mu held; it
// allocates only to make room for more variables or orders than the
// runs before this one had.
func (s *scheduler) noteOrder(t *thread, e *Event) {
	if e.Var <= 0 || e.Kind == KindBlock {
		return // a Lock that waits accesses nothing yet
	}
	read := false
	switch e.Kind {
	case KindCall, KindReturn, KindYield, KindGo:
		return
	case KindLoad, KindRLock, KindRUnlock:
		read = true
	case KindCAS:
		read = !e.OK
	}
	for len(s.last) <= e.Var {
		s.last = append(s.last, lastAccess{})
	}
	l := &s.last[e.Var]
	me := actor{thread: t.id + 1, phase: t.phase, kind: e.Kind}
	prev := l.any
	if read {
		prev = l.write
	}
	if prev.thread != 0 && prev.thread != me.thread && (prev.phase < 0 || me.phase < 0 || prev.phase == me.phase) {
		s.noteNew(Order{Var: e.Var, First: Actor{prev.thread - 1, prev.kind}, Then: Actor{t.id, e.Kind}})
	}
	l.any = me
	if !read {
		l.write = me
	}
}

// noteNew adds o to s.orders unless it is there. The set is keyed by a
// word, which hashes several times faster than the struct, when o fits
// in one (as it does but for a run of more than 4095 threads or 16
// million variables).
func (s *scheduler) noteNew(o Order) {
	if o.Var < 1<<24 && o.First.Thread < 1<<12 && o.Then.Thread < 1<<12 {
		k := uint64(o.Var)<<40 | uint64(o.First.Thread)<<28 | uint64(o.First.Kind)<<20 | uint64(o.Then.Thread)<<8 | uint64(o.Then.Kind)
		if _, seen := s.orderKeys[k]; seen {
			return
		}
		s.orderKeys[k] = struct{}{}
	} else {
		if _, seen := s.orderSet[o]; seen {
			return
		}
		s.orderSet[o] = struct{}{}
	}
	s.orders = append(s.orders, o)
}
