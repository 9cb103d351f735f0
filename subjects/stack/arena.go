package stack

import (
	"sync"
	"sync/atomic"
)

// Capacity is how many values an arena stack (ABA, Tagged) can hold.
const Capacity = 256

// arena holds the nodes of an arena stack, addressed by index+1 so that 0
// means "none", with a free list of popped nodes to reuse: the reason to
// have an arena is to avoid an allocation per Push.
type arena struct {
	nodes [Capacity]slot
	mu    sync.Mutex
	free  []uint32 // guarded by mu
	used  uint32   // guarded by mu
}

// slot is a node of an arena. Its fields are atomic because a Pop that
// lost a race may still read a slot another goroutine is reusing.
type slot struct {
	value atomic.Int64
	next  atomic.Uint64 // index+1 of the next node, 0 at the bottom
	size  atomic.Int64
}

func (a *arena) at(i uint32) *slot { return &a.nodes[i-1] }

// alloc returns a free node, reusing a popped one when there is one.
func (a *arena) alloc() uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n := len(a.free); n > 0 {
		i := a.free[n-1]
		a.free = a.free[:n-1]
		return i
	}
	if a.used == Capacity {
		panic("stack: arena full")
	}
	a.used++
	return a.used
}

// release puts a popped node on the free list.
func (a *arena) release(i uint32) {
	a.mu.Lock()
	a.free = append(a.free, i)
	a.mu.Unlock()
}

// ABA is a MUTANT: an arena stack that recycles popped nodes and swaps a
// bare node index as its head. A Pop that loaded head A and its successor
// B, then was preempted while other goroutines popped A and pushed a new
// value into the recycled A, finds the head equal to A again: its
// compare-and-swap succeeds, installs the stale B and returns the value A
// held before, so a value is popped twice and another one is lost.
//
// The zero value is an empty stack holding up to Capacity values.
type ABA struct {
	arena
	head atomic.Uint64 // index+1 of the top node
}

// Push puts v on top.
func (s *ABA) Push(v int) {
	i := s.alloc()
	n := s.at(i)
	n.value.Store(int64(v))
	for {
		old := s.head.Load()
		n.next.Store(old)
		n.size.Store(s.sizeOf(old) + 1)
		if s.head.CompareAndSwap(old, uint64(i)) {
			return
		}
	}
}

// Pop takes the top value, or a stale one.
func (s *ABA) Pop() (int, bool) {
	for {
		old := s.head.Load()
		if old == 0 {
			return 0, false
		}
		n := s.at(uint32(old))
		next, v := n.next.Load(), n.value.Load()
		if s.head.CompareAndSwap(old, next) {
			s.release(uint32(old))
			return int(v), true
		}
	}
}

// Len returns the size recorded in the top node.
func (s *ABA) Len() int { return int(s.sizeOf(s.head.Load())) }

func (s *ABA) sizeOf(head uint64) int64 {
	if head == 0 {
		return 0
	}
	return s.at(uint32(head)).size.Load()
}

// Tagged is the fix for ABA: the head packs a version tag with the node
// index (tag in the high 32 bits), and every successful swap bumps the
// tag. A Pop that was preempted finds the tag changed even if the index is
// the same again, so its compare-and-swap fails and it retries.
//
// The zero value is an empty stack holding up to Capacity values. It is
// safe for concurrent use and must not be copied after first use.
type Tagged struct {
	arena
	head atomic.Uint64 // tag<<32 | index+1 of the top node
}

func pack(tag uint64, i uint32) uint64 { return tag<<32 | uint64(i) }

// Push puts v on top.
func (s *Tagged) Push(v int) {
	i := s.alloc()
	n := s.at(i)
	n.value.Store(int64(v))
	for {
		old := s.head.Load()
		top := uint32(old)
		n.next.Store(uint64(top))
		n.size.Store(s.sizeOf(top) + 1)
		if s.head.CompareAndSwap(old, pack(old>>32+1, i)) {
			return
		}
	}
}

// Pop takes the top value; ok is false if the stack is empty.
func (s *Tagged) Pop() (int, bool) {
	for {
		old := s.head.Load()
		top := uint32(old)
		if top == 0 {
			return 0, false
		}
		n := s.at(top)
		next, v := n.next.Load(), n.value.Load()
		if s.head.CompareAndSwap(old, pack(old>>32+1, uint32(next))) {
			s.release(top)
			return int(v), true
		}
	}
}

// Len returns the number of values: the size recorded in the top node,
// read again until the head did not move meanwhile (the node may have
// been recycled in between otherwise).
func (s *Tagged) Len() int {
	for {
		old := s.head.Load()
		n := s.sizeOf(uint32(old))
		if s.head.Load() == old {
			return int(n)
		}
	}
}

func (s *Tagged) sizeOf(top uint32) int64 {
	if top == 0 {
		return 0
	}
	return s.at(top).size.Load()
}
