package sched_test

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/sched"
)

// TestVirtualSleepOrder: sleepers wake in the order of their deadlines
// and see the clock at them, whatever the schedule.
func TestVirtualSleepOrder(t *testing.T) {
	for seed := range uint64(20) {
		var got []time.Duration
		var mu sched.Mutex
		sleeper := func(d time.Duration) func() {
			return func() {
				sched.Sleep(d)
				mu.Lock()
				got = append(got, sched.Since(sched.Epoch))
				mu.Unlock()
			}
		}
		e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(seed))},
			[]func(){sleeper(3 * time.Second), sleeper(time.Second), sleeper(2 * time.Second)})
		if e.Outcome != sched.Completed {
			t.Fatalf("seed %d: %v", seed, e.Outcome)
		}
		want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: woke at %v, want %v", seed, got, want)
		}
	}
}

// TestVirtualNowOutside: outside a run, Now is real time.
func TestVirtualNowOutside(t *testing.T) {
	if sched.Now().Before(sched.Epoch.AddDate(20, 0, 0)) {
		t.Fatal("Now outside a run is not the real time")
	}
	start := time.Now()
	sched.Sleep(time.Millisecond)
	if time.Since(start) < time.Millisecond {
		t.Fatal("Sleep outside a run did not sleep")
	}
	select {
	case <-time.After(10 * time.Second):
		t.Fatal("After outside a run never fired")
	case <-chanOf(sched.After(time.Millisecond)):
	}
}

// chanOf receives one value from c on a std channel.
func chanOf(c sched.Chan[time.Time]) <-chan time.Time {
	out := make(chan time.Time, 1)
	go func() { out <- c.Recv() }()
	return out
}

// TestVirtualDeadlockStillReported: with no timer pending, a thread that
// waits for good is a deadlock, not a wait for time.
func TestVirtualDeadlockStillReported(t *testing.T) {
	c := sched.MakeChan[int](0)
	e := sched.Execute(sched.Config{}, []func(){func() { sched.Sleep(time.Second); c.Recv() }})
	if e.Outcome != sched.Deadlocked {
		t.Fatalf("outcome %v, want deadlock", e.Outcome)
	}
}

// TestVirtualTimersTie: two timers due at the same instant fire in an
// order the strategy picks, so a select on both can take either; a replay
// of the choices runs the same execution.
func TestVirtualTimersTie(t *testing.T) {
	build := func(res *int) [][]func() {
		return [][]func(){{func() {
			a, b := sched.After(time.Second), sched.After(time.Second)
			*res = sched.Select(false, a.RecvCase(nil, nil), b.RecvCase(nil, nil))
		}}}
	}
	seen := map[int]bool{}
	for seed := range uint64(20) {
		var res, again int
		e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(seed))}, build(&res)...)
		if e.Outcome != sched.Completed {
			t.Fatalf("seed %d: %v", seed, e.Outcome)
		}
		r := sched.Execute(sched.Config{Strategy: sched.NewReplay(sched.Picks(e))}, build(&again)...)
		if r.Fingerprint != e.Fingerprint || again != res {
			t.Fatalf("seed %d: replay took case %d, not %d", seed, again, res)
		}
		seen[res] = true
	}
	if !seen[0] || !seen[1] {
		t.Fatalf("cases taken: %v, want both", seen)
	}
}

// TestVirtualLateReply: a worker that answers exactly at the timeout
// answers too late: the timer's value is sent when the clock gets there,
// before the worker, woken at the same instant, runs again.
func TestVirtualLateReply(t *testing.T) {
	for seed := range uint64(20) {
		var res int
		reply := sched.MakeChan[int](1)
		e := sched.Execute(sched.Config{Strategy: sched.NewRandomWalk(sched.NewSource(seed))}, []func(){func() {
			sched.Go(func() {
				sched.Sleep(time.Second)
				reply.Send(1)
			})
			res = sched.Select(false, reply.RecvCase(nil, nil), sched.After(time.Second).RecvCase(nil, nil))
		}})
		if e.Outcome != sched.Completed || res != 1 {
			t.Fatalf("seed %d: %v, case %d, want the timeout", seed, e.Outcome, res)
		}
	}
}

// TestVirtualTimerStopReset: a stopped timer never fires, a reset one
// fires at its new deadline, and Stop reports whether it was active.
func TestVirtualTimerStopReset(t *testing.T) {
	var log []string
	e := sched.Execute(sched.Config{}, []func(){func() {
		a := sched.NewTimer(time.Second)
		if !a.Stop() {
			log = append(log, "stop of an active timer said false")
		}
		if a.Stop() {
			log = append(log, "second stop said true")
		}
		b := sched.NewTimer(time.Second)
		b.Reset(5 * time.Second)
		at := b.C.Recv()
		if got := at.Sub(sched.Epoch); got != 5*time.Second {
			log = append(log, "reset timer fired at "+got.String())
		}
		if b.Stop() {
			log = append(log, "stop of a fired, received timer said true")
		}
		// a never fires: a receive from it would be a deadlock.
		if n := a.C.Len(); n != 0 {
			log = append(log, "stopped timer sent")
		}
	}})
	if e.Outcome != sched.Completed || len(log) > 0 {
		t.Fatalf("%v: %v", e.Outcome, log)
	}
}

// TestVirtualAfterFunc: the function runs as a managed goroutine at the
// deadline, and the run waits for it.
func TestVirtualAfterFunc(t *testing.T) {
	var at time.Duration
	var ran atomic.Bool
	e := sched.Execute(sched.Config{}, []func(){func() {
		done := sched.MakeChan[struct{}](0)
		sched.AfterFunc(2*time.Second, func() {
			at = sched.Since(sched.Epoch)
			ran.Store(true)
			done.Close()
		})
		stopped := sched.AfterFunc(time.Second, func() { t.Error("stopped AfterFunc ran") })
		stopped.Stop()
		done.Recv()
	}})
	if e.Outcome != sched.Completed || !ran.Load() || at != 2*time.Second {
		t.Fatalf("%v: ran %v at %v", e.Outcome, ran.Load(), at)
	}
}

// TestVirtualTicker: a ticker ticks every period on the virtual clock,
// and a run with a ticker left going still ends when its threads return.
func TestVirtualTicker(t *testing.T) {
	var got []time.Duration
	e := sched.Execute(sched.Config{}, []func(){func() {
		tk := sched.NewTicker(time.Second)
		for range 3 {
			got = append(got, tk.C.Recv().Sub(sched.Epoch))
		}
		tk.Reset(2 * time.Second)
		got = append(got, tk.C.Recv().Sub(sched.Epoch))
		sched.Tick(time.Hour) // left going
	}})
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second}
	if e.Outcome != sched.Completed || !slices.Equal(got, want) {
		t.Fatalf("%v: ticks at %v, want %v", e.Outcome, got, want)
	}
}

// TestVirtualTickerNobodyListens: a ticker that wakes no one while every
// thread waits for good ends at the step limit, not in a loop.
func TestVirtualTickerNobodyListens(t *testing.T) {
	c := sched.MakeChan[int](0)
	e := sched.Execute(sched.Config{MaxSteps: 1000}, []func(){func() {
		sched.NewTicker(time.Second)
		c.Recv()
	}})
	if e.Outcome != sched.OutOfSteps {
		t.Fatalf("outcome %v, want step limit", e.Outcome)
	}
}

// TestVirtualTimerOutside: Stop, Reset and AfterFunc outside a run.
func TestVirtualTimerOutside(t *testing.T) {
	tm := sched.NewTimer(time.Hour)
	if !tm.Stop() {
		t.Fatal("Stop of an active timer said false")
	}
	tm.Reset(time.Millisecond)
	tm.C.Recv()
	done := make(chan struct{})
	sched.AfterFunc(time.Millisecond, func() { close(done) })
	<-done
	tk := sched.NewTicker(time.Millisecond)
	tk.C.Recv()
	tk.C.Recv()
	tk.Stop()
}
