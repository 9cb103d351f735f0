package stress_test

import (
	"fmt"
	"testing"

	"github.com/interleave-go/interleave/internal/explorehook"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// lockedCounter is a counter whose Add locks around its read and again
// around its write: a check-then-act under a lock, or, with useChan, a
// lock made of a channel with room for one. With whole, Add holds the
// lock throughout: no bug. With inverted, Get takes a second lock
// first and then the first: a deadlock with Add, which takes them the
// other way round.
type lockedCounter struct {
	mu, mu2 sched.Mutex
	ch      sched.Chan[struct{}]
	v       sched.Int64
	lockKind
}

type lockKind struct{ useChan, whole, inverted bool }

func (c *lockedCounter) lock() {
	if c.useChan {
		c.ch.Send(struct{}{})
	} else {
		c.mu.Lock()
	}
}

func (c *lockedCounter) unlock() {
	if c.useChan {
		c.ch.Recv()
	} else {
		c.mu.Unlock()
	}
}

func (c *lockedCounter) run(_ int, in model.CounterInput) model.CounterOutput {
	if c.inverted {
		first, second := &c.mu, &c.mu2
		if in.Op == model.CounterGet {
			first, second = second, first
		}
		first.Lock()
		second.Lock()
		defer first.Unlock()
		defer second.Unlock()
		if in.Op == model.CounterGet {
			return model.CounterOutput{Value: c.v.Load()}
		}
		return model.CounterOutput{Value: c.v.Add(in.Delta)}
	}
	if c.whole && in.Op != model.CounterGet {
		c.lock()
		defer c.unlock()
		return model.CounterOutput{Value: c.v.Add(in.Delta)}
	}
	c.lock()
	v := c.v.Load()
	c.unlock()
	if in.Op == model.CounterGet {
		return model.CounterOutput{Value: v}
	}
	c.lock()
	c.v.Store(v + in.Delta)
	c.unlock()
	return model.CounterOutput{Value: v + in.Delta}
}

func lockedSpec(k lockKind) stress.Spec[*lockedCounter, model.CounterInput, model.CounterOutput] {
	return stress.Spec[*lockedCounter, model.CounterInput, model.CounterOutput]{
		New: func() *lockedCounter {
			return &lockedCounter{ch: sched.MakeChan[struct{}](1), lockKind: k}
		},
		Ops:   addOrGet,
		Run:   (*lockedCounter).run,
		Model: model.Counter(),
	}
}

// TestExhaustReducedFindsTheSame runs Exhaust with and without the
// reduction on small scenarios of counters with and without a lost
// update (atomic, under a mutex, under a channel used as a lock) and
// with a deadlock: the failure, its kind and its preemptions must be the
// same, in fewer executions in all.
func TestExhaustReducedFindsTheSame(t *testing.T) {
	add := model.CounterInput{Op: model.CounterAdd, Delta: 1}
	get := model.CounterInput{Op: model.CounterGet}
	type sc = stress.Scenario[model.CounterInput]
	scenarios := []sc{
		{Threads: [][]model.CounterInput{{add}, {add}}},
		{Threads: [][]model.CounterInput{{add, get}, {add}}},
		{Init: []model.CounterInput{add}, Threads: [][]model.CounterInput{{get}, {add}, {add}}},
		{Threads: [][]model.CounterInput{{get, add}, {add, get}}, Post: []model.CounterInput{get}},
	}
	exhaust := func(t *testing.T, run func(sc) (*stress.Failure, error), s sc, unreduced bool) (string, int64) {
		explorehook.Unreduced.Store(unreduced)
		defer explorehook.Unreduced.Store(false)
		before := explorehook.Executions.Load()
		f, err := run(s)
		if err != nil {
			t.Fatal(err)
		}
		n := explorehook.Executions.Load() - before
		if f == nil {
			return "none", n
		}
		return fmt.Sprintf("%v with %d preemptions", f.Kind, f.Preemptions), n
	}
	dir := stress.WithArtifacts(t.TempDir())
	atomic := func(lost bool) func(sc) (*stress.Failure, error) {
		return func(s sc) (*stress.Failure, error) { return stress.Exhaust(t, counterSpec(lost), s, 2, dir) }
	}
	locked := func(k lockKind) func(sc) (*stress.Failure, error) {
		return func(s sc) (*stress.Failure, error) { return stress.Exhaust(t, lockedSpec(k), s, 2, dir) }
	}
	var full, reduced int64
	failures := 0
	for _, subject := range []struct {
		name string
		run  func(sc) (*stress.Failure, error)
	}{
		{"atomic counter", atomic(false)},
		{"lost update", atomic(true)},
		{"check-then-act under a mutex", locked(lockKind{})},
		{"check-then-act under a channel", locked(lockKind{useChan: true})},
		{"a counter under a mutex", locked(lockKind{whole: true})},
		{"a counter under a channel", locked(lockKind{whole: true, useChan: true})},
		{"locks taken in either order", locked(lockKind{inverted: true})},
	} {
		for i, s := range scenarios {
			want, nFull := exhaust(t, subject.run, s, true)
			got, nRed := exhaust(t, subject.run, s, false)
			t.Logf("%s, scenario %d: %s; %d executions, %d reduced", subject.name, i, want, nFull, nRed)
			if got != want {
				t.Errorf("%s, scenario %d: %s reduced, %s without", subject.name, i, got, want)
			}
			if want != "none" {
				failures++
			}
			full += nFull
			reduced += nRed
		}
	}
	t.Logf("in all: %d executions, %d reduced (%.1fx)", full, reduced, float64(full)/float64(reduced))
	if failures < 8 {
		t.Errorf("%d scenarios failed: the subjects do not test what they should", failures)
	}
	if reduced >= full {
		t.Errorf("%d executions reduced, %d without", reduced, full)
	}
}
