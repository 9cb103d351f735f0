// Package stack is the article's lock-free (Treiber) stack: a linked list
// whose head is swapped with compare-and-swap, with the article's bugs
// kept as mutants, and the classic ABA problem with its fix.
//
// Every variant is plain sync/atomic and sync code, as the article writes
// it: interleave runs them under its controlled scheduler through the
// build-time instrumentation (interleave test), like any user's code.
package stack

import "sync/atomic"

// Interface is what every variant implements.
type Interface interface {
	// Push puts v on top.
	Push(v int)
	// Pop takes the top value; ok is false if the stack is empty.
	Pop() (v int, ok bool)
	// Len returns the number of values.
	Len() int
}

// node is an element of a stack. It never changes once it is published, so
// a reader that loaded it sees a consistent value, successor and size.
type node struct {
	value int
	next  *node
	size  int // elements from this node down, itself included
}

// Treiber is a Treiber stack: Push and Pop swap the head with a
// compare-and-swap and retry when another goroutine got there first. Each
// node records the size of the stack it tops, so Len is a single atomic
// load and is linearizable, unlike a separate counter. Popped nodes are
// never reused (the garbage collector frees them), so the head cannot go
// from A to B and back to A behind a Pop's back: no ABA.
//
// The zero value is an empty stack. It is safe for concurrent use and must
// not be copied after first use.
type Treiber struct {
	head atomic.Pointer[node]
}

// Push puts v on top.
func (s *Treiber) Push(v int) {
	n := &node{value: v}
	for {
		old := s.head.Load()
		n.next, n.size = old, size(old)+1
		if s.head.CompareAndSwap(old, n) {
			return
		}
	}
}

// Pop takes the top value; ok is false if the stack is empty.
func (s *Treiber) Pop() (int, bool) {
	for {
		old := s.head.Load()
		if old == nil {
			return 0, false
		}
		if s.head.CompareAndSwap(old, old.next) {
			return old.value, true
		}
	}
}

// Len returns the number of values.
func (s *Treiber) Len() int { return size(s.head.Load()) }

func size(n *node) int {
	if n == nil {
		return 0
	}
	return n.size
}

// SeparateLen is a MUTANT, the article's stack: a Treiber stack that
// keeps its length in a separate atomic counter, updated after the
// compare-and-swap. Between the two, Len is wrong: after a Push and a Pop
// that overtook the Push's increment it is even negative. The article's
// unused mutex does not help, and its zero value panics (see
// PointerField), so this variant holds the head by value.
type SeparateLen struct {
	head atomic.Pointer[node]
	len  atomic.Int64
}

// Push puts v on top, then counts it.
func (s *SeparateLen) Push(v int) { pushCounted(&s.head, &s.len, v) }

// Pop takes the top value, then uncounts it.
func (s *SeparateLen) Pop() (int, bool) { return popCounted(&s.head, &s.len) }

// Len returns the counter, which lags the stack.
func (s *SeparateLen) Len() int { return int(s.len.Load()) }

// PointerField is a MUTANT, the article's declaration: the head is a
// *pointer* to an atomic pointer, which the zero value leaves nil, so the
// first Push or Pop on a zero PointerField panics with a nil dereference.
type PointerField struct {
	head *atomic.Pointer[node]
	len  atomic.Int64
}

// Push dereferences the nil head field of a zero value.
func (s *PointerField) Push(v int) { pushCounted(s.head, &s.len, v) }

// Pop dereferences the nil head field of a zero value.
func (s *PointerField) Pop() (int, bool) { return popCounted(s.head, &s.len) }

// Len returns the counter.
func (s *PointerField) Len() int { return int(s.len.Load()) }

// pushCounted is the article's Push: swap the head in, then count.
func pushCounted(head *atomic.Pointer[node], n *atomic.Int64, v int) {
	nd := &node{value: v}
	for {
		old := head.Load()
		nd.next = old
		if head.CompareAndSwap(old, nd) {
			n.Add(1)
			return
		}
	}
}

// popCounted is the article's Pop: swap the head out, then uncount.
func popCounted(head *atomic.Pointer[node], n *atomic.Int64) (int, bool) {
	for {
		old := head.Load()
		if old == nil {
			return 0, false
		}
		if head.CompareAndSwap(old, old.next) {
			n.Add(-1)
			return old.value, true
		}
	}
}

// Variant is one implementation, correct or a mutant.
type Variant struct {
	Name string
	// Bug describes the mutant's bug; empty for a correct variant.
	Bug string
	// Preemptive is set for a bug that needs the scheduler to preempt a
	// thread at one exact point (between a load and a compare-and-swap);
	// free-running goroutines rarely hit it.
	Preemptive bool
	New        func() Interface
}

// Mutant reports whether the variant has a bug on purpose.
func (v Variant) Mutant() bool { return v.Bug != "" }

// Variants lists the stack implementations. New returns each one's zero
// value (or constructor result for the arena stacks), as a user would.
var Variants = []Variant{
	{Name: "Treiber", New: func() Interface { return new(Treiber) }},
	{Name: "SeparateLen", Bug: "length counter updated apart from the head: Len is not linearizable", New: func() Interface { return new(SeparateLen) }},
	{Name: "PointerField", Bug: "head is a pointer to an atomic: the zero value panics", New: func() Interface { return new(PointerField) }},
	{Name: "ABA", Bug: "recycled nodes and an untagged head: a stale compare-and-swap succeeds", Preemptive: true, New: func() Interface { return new(ABA) }},
	{Name: "Tagged", New: func() Interface { return new(Tagged) }},
}
