package sched_test

import (
	"strings"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// TestMapOneEventPerOperation: a Map operation is one scheduling point,
// shown as one event named after the method, as sync.Map's operations
// are atomic; its inner lock is not shown.
func TestMapOneEventPerOperation(t *testing.T) {
	var m sched.Map
	e := sched.Execute(sched.Config{}, []func(){func() {
		m.Store("k", 1)
		m.Load("k")
		m.LoadOrStore("k", 2)
		m.CompareAndSwap("k", 1, 3)
		m.Range(func(k, v any) bool { return true })
		m.Delete("k")
	}})
	got := actions(e)
	want := "Store v1 | Load v1 | LoadOrStore v1 | CompareAndSwap v1 | Range v1 | Delete v1"
	if strings.Join(got, " | ") != want {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, " | "), want)
	}
}

// TestCloseClosedIsShown: the Close that panics is an event of its own,
// before the deferred calls the panic runs.
func TestCloseClosedIsShown(t *testing.T) {
	c := sched.MakeChan[int](0)
	var wg sched.WaitGroup
	e := sched.Execute(sched.Config{}, []func(){func() {
		wg.Add(1)
		defer wg.Done()
		c.Close()
		c.Close()
	}})
	if e.Outcome != sched.Panicked {
		t.Fatalf("outcome %v, want a panic", e.Outcome)
	}
	got := actions(e)
	want := "Add v1 0→1 | Close v2 | Close v2: panics, closed already | Done v1 1→0"
	if strings.Join(got, " | ") != want {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, " | "), want)
	}
}

// actions returns what each event of e did, in order.
func actions(e *sched.Execution) []string {
	var got []string
	for _, ev := range e.Events {
		got = append(got, ev.Action())
	}
	return got
}
