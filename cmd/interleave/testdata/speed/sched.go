package speed

import "github.com/interleave-go/interleave/sched"

// Sched is Plain written by hand on sched.Pointer.
type Sched struct{ head sched.Pointer[node] }

// Push pushes v.
func (s *Sched) Push(v int) {
	n := &node{v: v}
	for {
		old := s.head.Load()
		n.next, n.size = old, 1
		if old != nil {
			n.size = old.size + 1
		}
		if s.head.CompareAndSwap(old, n) {
			return
		}
	}
}

// Pop pops the top value, if any.
func (s *Sched) Pop() (int, bool) {
	for {
		old := s.head.Load()
		if old == nil {
			return 0, false
		}
		if s.head.CompareAndSwap(old, old.next) {
			return old.v, true
		}
	}
}

// Len returns the number of values.
func (s *Sched) Len() int {
	if n := s.head.Load(); n != nil {
		return n.size
	}
	return 0
}
