// Package speed holds one Treiber stack written twice: on plain
// sync/atomic (Plain), as users write it, and by hand on package sched's
// twins (Sched). Its benchmark compares controlled executions per second
// of the two, when interleave test compiles Plain onto sched:
//
//	go run ./cmd/interleave test -run XXX -bench Controlled -benchmem -count 6 -cpu 1 ./cmd/interleave/testdata/speed
package speed

import "sync/atomic"

// Plain is a Treiber stack on sync/atomic.
type Plain struct{ head atomic.Pointer[node] }

type node struct {
	v    int
	next *node
	size int
}

// Push pushes v.
func (s *Plain) Push(v int) {
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
func (s *Plain) Pop() (int, bool) {
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
func (s *Plain) Len() int {
	if n := s.head.Load(); n != nil {
		return n.size
	}
	return 0
}
