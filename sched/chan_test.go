package sched_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// chanOps is what the tests do with a channel, std or twin.
type chanOps[C any] struct {
	make  func(int) C
	send  func(C, int)
	recv2 func(C) (int, bool)
	close func(C)
	len   func(C) int
	cap   func(C) int
	rng   func(C) []int
}

var (
	stdChan = chanOps[chan int]{
		make:  func(n int) chan int { return make(chan int, n) },
		send:  func(c chan int, v int) { c <- v },
		recv2: func(c chan int) (int, bool) { v, ok := <-c; return v, ok },
		close: func(c chan int) { close(c) },
		len:   func(c chan int) int { return len(c) },
		cap:   func(c chan int) int { return cap(c) },
		rng: func(c chan int) (r []int) {
			for v := range c {
				r = append(r, v)
			}
			return r
		},
	}
	ourChan = chanOps[sched.Chan[int]]{
		make:  sched.MakeChan[int],
		send:  sched.Chan[int].Send,
		recv2: sched.Chan[int].Recv2,
		close: sched.Chan[int].Close,
		len:   sched.Chan[int].Len,
		cap:   sched.Chan[int].Cap,
		rng:   func(c sched.Chan[int]) []int { return slices.Collect(c.Range()) },
	}
)

// chanSequence runs one thread's worth of channel operations, none of
// which blocks, and returns every result and panic.
func chanSequence[C any](o chanOps[C]) []any {
	var r []any
	c := o.make(3)
	o.send(c, 1)
	o.send(c, 2)
	r = append(r, o.len(c), o.cap(c))
	v, ok := o.recv2(c)
	r = append(r, v, ok)
	o.send(c, 3)
	o.close(c)
	r = append(r, o.rng(c))
	v, ok = o.recv2(c)
	r = append(r, v, ok, o.len(c))
	r = append(r, fmt.Sprint(recovered(func() { o.send(c, 4) })), fmt.Sprint(recovered(func() { o.close(c) })))
	var zero C
	return append(r, fmt.Sprint(recovered(func() { o.close(zero) })), o.cap(zero), o.len(zero))
}

func TestChanMatchesStd(t *testing.T) {
	want := fmt.Sprint(chanSequence(stdChan))
	if got := fmt.Sprint(chanSequence(ourChan)); got != want {
		t.Errorf("outside a run: %v\nstd: %v", got, want)
	}
	var got string
	e := sched.Execute(sched.Config{}, []func(){func() { got = fmt.Sprint(chanSequence(ourChan)) }})
	if e.Outcome != sched.Completed || got != want {
		t.Errorf("in a run: %v %v\nstd: %v", e.Outcome, got, want)
	}
}

// TestChanBlocksAndHandsOver: in every schedule up to two preemptions,
// values arrive in order, once each, through unbuffered and buffered
// channels, with a close ending a range; and some schedule blocks.
func TestChanBlocksAndHandsOver(t *testing.T) {
	for _, size := range []int{0, 1, 2} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			var got []int
			blocks := 0
			sched.Explore(sched.Config{}, 2, func() [][]func() {
				c := sched.MakeChan[int](size)
				done := sched.MakeChan[struct{}](0)
				got = nil
				return [][]func(){{
					func() {
						for i := range 3 {
							c.Send(i)
						}
						c.Close()
					},
					func() {
						for v := range c.Range() {
							got = append(got, v)
						}
						done.Send(struct{}{})
					},
					func() { done.Recv() },
				}}
			}, func(e *sched.Execution) bool {
				if e.Outcome != sched.Completed || !slices.Equal(got, []int{0, 1, 2}) {
					t.Fatalf("%v %v: received %v", e.Outcome, e.Waiters, got)
				}
				if blocked(e) {
					blocks++
				}
				return true
			})
			if blocks == 0 {
				t.Fatal("no goroutine ever blocked")
			}
		})
	}
}

// TestChanDeadlocks: a goroutine left sending on an unbuffered channel
// nobody reads any more (a leak) is found; a buffer big enough fixes it.
// Two senders whose receiver takes one value: on the unbuffered channel one
// of them waits forever.
func TestChanDeadlocks(t *testing.T) {
	program := func(size int) func() [][]func() {
		return func() [][]func() {
			c := sched.MakeChan[int](size)
			return [][]func(){{func() { c.Send(1) }, func() { c.Send(2) }, func() { c.Recv() }}}
		}
	}
	counts, _, d := outcomes(t, 2, program(0), nil)
	if d == nil {
		t.Fatalf("no deadlock in %v", counts)
	}
	if len(d.Waiters) != 1 || d.Waiters[0].Blocked == 0 || d.Waiters[0].Last.Text != "Send" {
		t.Errorf("waiters %+v, want one blocked in Send", d.Waiters)
	}
	if counts, _, _ := outcomes(t, 2, program(1), nil); counts[sched.Deadlocked] > 0 || counts[sched.Completed] == 0 {
		t.Fatalf("buffered: %v", counts)
	}
	// Receiving from a nil channel, or a close that wakes a receiver.
	var nilChan sched.Chan[int]
	if e := sched.Execute(sched.Config{}, []func(){func() { nilChan.Recv() }}); e.Outcome != sched.Deadlocked {
		t.Errorf("receive from a nil channel: %v", e.Outcome)
	}
	closed := false
	counts, _, _ = outcomes(t, 2, func() [][]func() {
		c := sched.MakeChan[int](0)
		return [][]func(){{func() { _, ok := c.Recv2(); closed = !ok }, c.Close}}
	}, func() bool { return closed })
	if counts[sched.Deadlocked] > 0 {
		t.Errorf("close did not wake the receiver: %v", counts)
	}
}

// TestChanSendOnClosedWaiter: a sender waiting on a full channel that is
// then closed panics, as with the runtime.
func TestChanSendOnClosedWaiter(t *testing.T) {
	c := sched.MakeChan[int](0)
	e := sched.Execute(sched.Config{Strategy: sched.NewReplay([]int{0})}, []func(){func() { c.Send(1) }, c.Close})
	if e.Outcome != sched.Panicked || fmt.Sprint(e.Panic) != "send on closed channel" || !blocked(e) {
		t.Fatalf("outcome %v %v, want a panic: send on closed channel", e.Outcome, e.Panic)
	}
}
