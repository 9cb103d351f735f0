package sched_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestSelectMatchesStd runs the same selects, none of which waits, with a
// select statement and with Select, outside and inside a run.
func TestSelectMatchesStd(t *testing.T) {
	std := func() []any {
		a, b := make(chan int, 1), make(chan error, 1)
		var r []any
		sel := func() {
			select {
			case v, ok := <-a:
				r = append(r, "a", v, ok)
			case a <- 7:
				r = append(r, "sent")
			case e := <-b:
				r = append(r, "b", e)
			default:
				r = append(r, "default")
			}
		}
		sel() // sends 7: only that case is ready
		sel() // receives it: a is full
		b <- nil
		a = nil
		sel() // b: nil error
		sel() // default
		return r
	}
	ours := func() []any {
		a, b := sched.MakeChan[int](1), sched.MakeChan[error](1)
		var r []any
		sel := func() {
			var v int
			var ok bool
			var e error
			switch sched.Select(true, a.RecvCase(&v, &ok), a.SendCase(7), b.RecvCase(&e, nil)) {
			case 0:
				r = append(r, "a", v, ok)
			case 1:
				r = append(r, "sent")
			case 2:
				r = append(r, "b", e)
			default:
				r = append(r, "default")
			}
		}
		sel()
		sel()
		b.Send(nil)
		a = sched.Chan[int]{}
		sel()
		sel()
		return r
	}
	want := fmt.Sprint(std())
	if got := fmt.Sprint(ours()); got != want {
		t.Errorf("outside a run: %v\nstd: %v", got, want)
	}
	var got string
	e := sched.Execute(sched.Config{}, []func(){func() { got = fmt.Sprint(ours()) }})
	if e.Outcome != sched.Completed || got != want {
		t.Errorf("in a run: %v %v\nstd: %v", e.Outcome, got, want)
	}
}

// TestSelectScheduleChooses: with both cases ready, exploration runs each
// of them; a waiting select is woken by either channel, and a select that
// fired on one channel is not served by the other.
func TestSelectScheduleChooses(t *testing.T) {
	seen := map[int]bool{}
	var chosen int
	sched.Explore(sched.Config{}, 0, func() [][]func() {
		a, b := sched.MakeChan[int](1), sched.MakeChan[int](1)
		a.Send(1)
		b.Send(2)
		return [][]func(){{func() { chosen = sched.Select(false, a.RecvCase(nil, nil), b.RecvCase(nil, nil)) }}}
	}, func(e *sched.Execution) bool {
		seen[chosen] = true
		return true
	})
	if !seen[0] || !seen[1] {
		t.Fatalf("cases chosen over the exploration: %v, want both", seen)
	}

	var got []int
	counts, bad, _ := outcomes(t, 2, func() [][]func() {
		a, b := sched.MakeChan[int](0), sched.MakeChan[int](0)
		got = nil
		sel := func() {
			var v int
			sched.Select(false, a.RecvCase(&v, nil), b.RecvCase(&v, nil))
			got = append(got, v)
		}
		return [][]func(){{sel, func() { a.Send(1) }, func() { b.Send(2) }, sel}}
	}, func() bool { slices.Sort(got); return slices.Equal(got, []int{1, 2}) })
	if bad > 0 || counts[sched.Deadlocked] > 0 {
		t.Fatalf("%d bad executions, outcomes %v", bad, counts)
	}
}

// TestSelectLeak: a worker sends its result on an unbuffered channel while
// the caller selects between the result and a cancellation; when the
// cancellation wins, the worker waits forever. Exploration finds it; a
// buffer of one fixes it.
func TestSelectLeak(t *testing.T) {
	program := func(size int) func() [][]func() {
		return func() [][]func() {
			result, cancel := sched.MakeChan[int](size), sched.MakeChan[struct{}](0)
			return [][]func(){{
				func() { result.Send(42) },
				cancel.Close,
				func() { sched.Select(false, result.RecvCase(nil, nil), cancel.RecvCase(nil, nil)) },
			}}
		}
	}
	counts, _, d := outcomes(t, 2, program(0), nil)
	if d == nil {
		t.Fatalf("no leak found: %v", counts)
	}
	if len(d.Waiters) != 1 || d.Waiters[0].Last.Text != "Send" {
		t.Errorf("waiters %+v, want the worker blocked in Send", d.Waiters)
	}
	if counts, _, _ := outcomes(t, 2, program(1), nil); counts[sched.Deadlocked] > 0 {
		t.Fatalf("buffered result: %v", counts)
	}
	// A select on nil channels only, without default, waits forever.
	if e := sched.Execute(sched.Config{}, []func(){func() { sched.Select(false, sched.Chan[int]{}.RecvCase(nil, nil)) }}); e.Outcome != sched.Deadlocked {
		t.Errorf("select on a nil channel: %v", e.Outcome)
	}
}

// TestSelectOneCase: a select of one case, done directly outside runs and
// through the scheduler inside one, does what the select statement does.
func TestSelectOneCase(t *testing.T) {
	run := func() []any {
		c := sched.MakeChan[string](1)
		var v string
		var ok bool
		r := []any{sched.Select(true, c.RecvCase(&v, &ok)), sched.Select(true, c.SendCase("x")), sched.Select(true, c.SendCase("y"))}
		r = append(r, sched.Select(false, c.RecvCase(&v, &ok)), v, ok)
		c.Close()
		return append(r, sched.Select(false, c.RecvCase(&v, &ok)), v, ok)
	}
	want := fmt.Sprint([]any{-1, 0, -1, 0, "x", true, 0, "", false})
	if got := fmt.Sprint(run()); got != want {
		t.Errorf("outside a run: %v, want %v", got, want)
	}
	var got string
	if e := sched.Execute(sched.Config{}, []func(){func() { got = fmt.Sprint(run()) }}); e.Outcome != sched.Completed || got != want {
		t.Errorf("in a run: %v %v, want %v", e.Outcome, got, want)
	}
}

func TestRecvVars(t *testing.T) {
	c := sched.MakeChan[int](1)
	v, ok := c.RecvVars()
	c.Send(7)
	if i := sched.Select(false, c.RecvCase(&v, &ok)); i != 0 || v != 7 || !ok {
		t.Fatalf("Select into RecvVars' variables = %d, %d, %v; want 0, 7, true", i, v, ok)
	}
}
