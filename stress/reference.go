package stress

import (
	"reflect"
	"strings"
	"sync"

	"github.com/anishathalye/porcupine"
)

// reference is the sequential model Compare builds from a reference
// implementation: a state is the sequence of calls applied so far, and a
// step runs the call on a reference that has applied that sequence.
//
// porcupine tries many orders of the same calls and comes back to the
// same prefixes often, so the states form a trie in which every edge
// (a prefix and a call) is run once, and its result kept. A reference at
// the deepest state reached is kept too: porcupine mostly goes one step
// further from where it just was, and then nothing is replayed; otherwise
// a fresh reference replays the prefix.
//
// A reference with a Close method is closed after every step instead,
// so that it leaves no goroutines behind, and every step replays.
//
// A reference with a method Clone() R is cloned instead of replayed: the
// states porcupine comes back to keep a clone, which the next call from
// there clones again.
type reference[R any] struct {
	newR  func() R
	ms    *methodSet
	close func(R)
	clone func(R) R
}

// DescribeInput implements model.Sequential.
func (m *reference[R]) DescribeInput(c call) string { return c.text }

// DescribeOutput implements model.Sequential.
func (m *reference[R]) DescribeOutput(c call, r ret) string { return formatRet(c, r) }

// Porcupine implements model.Sequential. Each check gets a trie of its
// own, from Init.
func (m *reference[R]) Porcupine() (porcupine.Model, error) {
	return porcupine.Model{
		Init: func() any {
			t := &trie[R]{m: m}
			t.root = &node{t: t}
			return t.root
		},
		Step: func(state, in, out any) (bool, any) {
			n := state.(*node)
			c := in.(call)
			e := n.t.(*trie[R]).step(n, c)
			if out == nil {
				return true, e.next
			}
			return equalRet(c.m, e.out, out.(ret)), e.next
		},
		// Two states are the same when they are the same prefix: two
		// orders of the same calls may leave references that compare
		// equal, but nothing in general says they behave the same.
		Equal: func(a, b any) bool { return a == b },
		Hash:  func(s any) uint64 { return s.(*node).id },
		DescribeOperation: func(in, out any) string {
			c := in.(call)
			if out == nil {
				return c.text + " -> (never returned)"
			}
			return c.text + " -> " + formatRet(c, out.(ret))
		},
		DescribeState: func(s any) string { return s.(*node).describe() },
	}, nil
}

// node is a state: the calls on the path from the root.
type node struct {
	t      any // *trie[R]
	parent *node
	c      call
	id     uint64
	kids   map[callKey]*edge
	snap   any // an R that has applied the calls, to clone; or nil
}

// edge is a call from a state: what the reference returned, and the
// state after it.
type edge struct {
	out  ret
	next *node
}

// callKey identifies a call of a history: calls are values, but their
// arguments are shared by every copy.
type callKey struct {
	m    *method
	args *reflect.Value
}

func keyOf(c call) callKey {
	k := callKey{m: c.m}
	if len(c.args) > 0 {
		k.args = &c.args[0]
	}
	return k
}

type trie[R any] struct {
	m    *reference[R]
	mu   sync.Mutex // porcupine checks partitions in parallel
	root *node
	ids  uint64
	// at is the node whose calls cur has applied, if cur is valid.
	at  *node
	cur reflect.Value
}

// step returns the edge for c from n, running it if it is new.
func (t *trie[R]) step(n *node, c call) *edge {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := keyOf(c)
	if e, ok := n.kids[k]; ok {
		return e
	}
	v := t.cur
	if t.at != n || !v.IsValid() {
		t.at, t.cur = nil, reflect.Value{}
		var path []call
		p := n
		for ; p.parent != nil && p.snap == nil; p = p.parent {
			path = append(path, p.c)
		}
		if p.snap != nil {
			v = t.clone(p.snap)
		} else {
			v = t.fresh()
		}
		for i := len(path) - 1; i >= 0; i-- {
			invoke(v, path[i].m.ref, path[i])
		}
		if t.m.clone != nil && n.snap == nil {
			// porcupine comes back to n to try the other calls.
			n.snap = t.clone(v).Interface()
		}
	}
	out := invoke(v, c.m.ref, c)
	if t.m.close != nil {
		closeQuietly(t.m.close, v.Interface().(R))
		v = reflect.Value{}
	}
	t.ids++
	e := &edge{out: out, next: &node{t: t, parent: n, c: c, id: t.ids}}
	if n.kids == nil {
		n.kids = map[callKey]*edge{}
	}
	n.kids[k] = e
	t.at, t.cur = e.next, v
	return e
}

// closeQuietly closes a reference; a panic there (a second Close) is
// not the type under test's.
func closeQuietly[R any](close func(R), r R) {
	defer func() { _ = recover() }()
	close(r)
}

func (t *trie[R]) clone(v any) reflect.Value {
	var r R
	switch v := v.(type) {
	case R:
		r = t.m.clone(v)
	case reflect.Value:
		r = t.m.clone(v.Interface().(R))
	}
	return reflect.ValueOf(&r).Elem()
}

func (t *trie[R]) fresh() reflect.Value {
	r := t.m.newR()
	return reflect.ValueOf(&r).Elem()
}

func (n *node) describe() string {
	var calls []string
	for p := n; p.parent != nil; p = p.parent {
		calls = append(calls, p.c.text)
	}
	if len(calls) == 0 {
		return "new"
	}
	var b strings.Builder
	for i := len(calls) - 1; i >= 0; i-- {
		b.WriteString(calls[i])
		if i > 0 {
			b.WriteString("; ")
		}
	}
	return b.String()
}
