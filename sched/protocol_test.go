package sched

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The tests of the rules in protocol.go: every primitive's blocking and
// wake-up paths, explored schedule by schedule with the rules checked at
// every decision, and the ways a run ends early.

// checkedStrategy replays picks, as Explore does, and checks the rules
// that hold at every scheduling decision (R3, R4, and that the
// runnable threads offered are exactly the runnable ones) in the
// scheduler's own state: Choose runs with s.mu held, so it may read it.
type checkedStrategy struct {
	inner Strategy
	err   error
}

func (c *checkedStrategy) Choose(d Decision) int {
	if c.err == nil {
		c.err = checkRules(active.Load(), d)
	}
	return c.inner.Choose(d)
}

// checkRules returns the first rule s breaks at decision d, or nil.
// Called with s.mu held.
func checkRules(s *scheduler, d Decision) error {
	if s == nil {
		return errors.New("a decision outside a run")
	}
	if s.aborted {
		return errors.New("R8: a decision after the run ended")
	}
	if s.cur != nil && s.cur.parked {
		return fmt.Errorf("R4: the running thread %d is parked at a decision", s.cur.id)
	}
	nrun := 0
	for _, t := range s.threads {
		if t == nil {
			continue
		}
		if n := len(t.wake); n != 0 {
			return fmt.Errorf("R3: thread %d has %d wake tokens at a decision", t.id, n)
		}
		if t != s.cur && t.state != finished && !t.parked {
			return fmt.Errorf("R4: thread %d (state %d) is not running and not parked", t.id, t.state)
		}
		if (t.state == blocked) != (t.blockedOn != nil) {
			return fmt.Errorf("R6: thread %d has state %d and blocked-on %p", t.id, t.state, t.blockedOn)
		}
		if t.state == runnable {
			nrun++
		}
	}
	if !d.Cases && len(d.Runnable) != nrun {
		return fmt.Errorf("a decision among %d threads with %d runnable", len(d.Runnable), nrun)
	}
	if d.Cases {
		return nil
	}
	for i, id := range d.Runnable {
		if t := s.threads[id]; t.state != runnable {
			return fmt.Errorf("thread %d offered at a decision in state %d", id, t.state)
		}
		if i == 0 && d.Continuing != (s.cur != nil && s.cur.id == id && s.cur.state == runnable) {
			return fmt.Errorf("Continuing is %v with thread %d first and %v running", d.Continuing, id, s.cur)
		}
	}
	return nil
}

// runner checks R1 around a step of a thread: no other thread of the run
// executes between the start and the end of the step. A second thread
// running at the same time is caught when it overwrites owner while this
// one, between two scheduling points, gives the processor up to the Go
// runtime (not to the scheduler); a false alarm is impossible.
type runner struct {
	owner  atomic.Int64
	broken atomic.Bool
}

func (r *runner) step(id int64) {
	r.owner.Store(id)
	runtime.Gosched()
	if r.owner.Load() != id {
		r.broken.Store(true)
	}
}

// program is one row's program: its phases, and a check of what it did,
// called after every execution that completed.
type program struct {
	phases [][]func()
	check  func() error
}

// explore runs every schedule of build's program with at most bound
// preemptions under checkedStrategy, and calls visit with each
// execution and its program; it fails t on a broken rule, and on an
// execution that a replay of its schedule does not repeat.
func explore(t *testing.T, bound int, build func(r *runner) program, visit func(*Execution, program)) int {
	t.Helper()
	var picks []int
	n := 0
	for {
		n++
		r := new(runner)
		p := build(r)
		c := &checkedStrategy{inner: NewReplay(picks)}
		e := Execute(Config{Strategy: c}, p.phases...)
		if c.err != nil {
			t.Fatalf("schedule %v: %v", picks, c.err)
		}
		if r.broken.Load() {
			t.Fatalf("R1: schedule %v: two threads ran at once", picks)
		}
		visit(e, p)
		if e.Outcome == Completed || e.Outcome == Deadlocked {
			again := Execute(Config{Strategy: NewReplay(Picks(e))}, build(new(runner)).phases...)
			if again.Fingerprint != e.Fingerprint || again.Outcome != e.Outcome {
				t.Fatalf("schedule %v: replayed, %v %x; first %v %x", picks, again.Outcome, again.Fingerprint, e.Outcome, e.Fingerprint)
			}
		}
		var ok bool
		if picks, ok = Next(e.Choices, bound); !ok {
			return n
		}
	}
}

func blocks(e *Execution) bool {
	for _, ev := range e.Events {
		if ev.Kind == KindBlock {
			return true
		}
	}
	return false
}

func want(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// TestProtocolTable: each primitive, in every schedule up to two
// preemptions, keeps the rules, makes a thread wait in some schedule
// where its sync or runtime original would (the blocking path), and
// wakes it in every one (every execution completes, with the right
// result: the wake-up path).
func TestProtocolTable(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), idleWorkers)
	for _, tc := range []struct {
		name  string
		build func(r *runner) program
	}{
		{"Mutex", func(r *runner) program {
			var mu Mutex
			n := 0
			inc := func(id int64) func() {
				return func() {
					mu.Lock()
					r.step(id)
					v := n
					Yield("in")
					n = v + 1
					mu.Unlock()
				}
			}
			return program{[][]func(){{inc(1), inc(2)}}, func() error { return want(n == 2, "n = %d, want 2", n) }}
		}},
		{"Mutex.TryLock", func(r *runner) program {
			var mu Mutex
			got, failed := 0, 0
			try := func(id int64) func() {
				return func() {
					if !mu.TryLock() {
						failed++
						mu.Lock()
					}
					r.step(id)
					got++
					mu.Unlock()
				}
			}
			return program{[][]func(){{try(1), try(2)}},
				func() error {
					return want(got == 2 && failed < 2, "got %d locks, want 2; %d tries failed", got, failed)
				}}
		}},
		{"RWMutex", func(r *runner) program {
			var mu RWMutex
			n, torn := 0, false
			write := func(id int64) func() {
				return func() {
					mu.Lock()
					r.step(id)
					n++
					Yield("in")
					n++
					mu.Unlock()
				}
			}
			read := func(id int64) func() {
				return func() { mu.RLock(); r.step(id); torn = torn || n%2 != 0; mu.RUnlock() }
			}
			return program{[][]func(){{write(1), read(2), write(3)}}, func() error { return want(n == 4 && !torn, "n = %d, torn %v", n, torn) }}
		}},
		{"Cond.Signal", func(r *runner) program {
			var mu Mutex
			c := NewCond(&mu)
			ready, got := false, false
			return program{[][]func(){{
				func() {
					mu.Lock()
					for !ready {
						c.Wait()
					}
					r.step(1)
					got = true
					mu.Unlock()
				},
				func() { mu.Lock(); r.step(2); ready = true; c.Signal(); mu.Unlock() },
			}}, func() error { return want(got, "the waiter did not see ready") }}
		}},
		{"Cond.Broadcast", func(r *runner) program {
			var mu Mutex
			c := NewCond(&mu)
			ready, got := false, 0
			wait := func(id int64) func() {
				return func() {
					mu.Lock()
					for !ready {
						c.Wait()
					}
					r.step(id)
					got++
					mu.Unlock()
				}
			}
			return program{[][]func(){{wait(1), wait(2), func() { mu.Lock(); ready = true; mu.Unlock(); c.Broadcast() }}},
				func() error { return want(got == 2, "%d waiters woke, want 2", got) }}
		}},
		{"WaitGroup", func(r *runner) program {
			var wg WaitGroup
			var n Int32
			seen := int32(-1)
			return program{[][]func(){{func() {
				wg.Add(2)
				Go(func() { r.step(2); n.Add(1); wg.Done() })
				Go(func() { r.step(3); n.Add(1); wg.Done() })
				wg.Wait()
				seen = n.Load()
			}}}, func() error { return want(seen == 2, "Wait returned with %d done, want 2", seen) }}
		}},
		{"Once", func(r *runner) program {
			var once Once
			var calls, after Int32
			do := func(id int64) func() {
				return func() {
					once.Do(func() { r.step(id); Yield("init"); calls.Add(1) })
					after.Add(calls.Load())
				}
			}
			return program{[][]func(){{do(1), do(2)}}, func() error {
				return want(calls.Load() == 1 && after.Load() == 2, "f ran %d times; %d saw it done", calls.Load(), after.Load())
			}}
		}},
		{"Chan unbuffered", func(r *runner) program {
			ch := MakeChan[int](0)
			got := []int{}
			return program{[][]func(){{
				func() { r.step(1); ch.Send(1); ch.Send(2) },
				func() { got = append(got, ch.Recv()); r.step(2); got = append(got, ch.Recv()) },
			}}, func() error { return want(fmt.Sprint(got) == "[1 2]", "received %v", got) }}
		}},
		{"Chan buffered full", func(r *runner) program {
			ch := MakeChan[int](1)
			got := []int{}
			return program{[][]func(){{
				func() { ch.Send(1); ch.Send(2); r.step(1); ch.Send(3) },
				func() {
					for range 3 {
						got = append(got, ch.Recv())
					}
				},
			}}, func() error { return want(fmt.Sprint(got) == "[1 2 3]", "received %v", got) }}
		}},
		{"Chan close wakes receivers", func(r *runner) program {
			ch := MakeChan[int](0)
			oks := 0
			recv := func(id int64) func() {
				return func() {
					if _, ok := ch.Recv2(); !ok {
						r.step(id)
						oks++
					}
				}
			}
			return program{[][]func(){{recv(1), recv(2), func() { ch.Close() }}},
				func() error { return want(oks == 2, "%d receivers saw the close, want 2", oks) }}
		}},
		{"Chan Range", func(r *runner) program {
			ch := MakeChan[int](1)
			sum := 0
			return program{[][]func(){{
				func() { ch.Send(1); ch.Send(2); ch.Close() },
				func() {
					for v := range ch.Range() {
						r.step(2)
						sum += v
					}
				},
			}}, func() error { return want(sum == 3, "sum %d, want 3", sum) }}
		}},
		{"Select recv", func(r *runner) program {
			a, b := MakeChan[int](0), MakeChan[int](0)
			sum := 0
			return program{[][]func(){{
				func() { a.Send(1) },
				func() { b.Send(2) },
				func() {
					for range 2 {
						var v int
						var ok bool
						switch Select(false, a.RecvCase(&v, &ok), b.RecvCase(&v, &ok)) {
						case 0, 1:
							r.step(3)
							sum += v
						}
					}
				},
			}}, func() error { return want(sum == 3, "sum %d, want 3", sum) }}
		}},
		{"Select send", func(r *runner) program {
			a := MakeChan[int](0)
			got := -1
			return program{[][]func(){{
				func() {
					if Select(false, a.SendCase(7)) != 0 {
						panic("wrong case")
					}
					r.step(1)
				},
				func() { got = a.Recv() },
			}}, func() error { return want(got == 7, "got %d, want 7", got) }}
		}},
		{"Sleep", func(r *runner) program {
			var order []int
			sleep := func(id int64, d time.Duration) func() {
				return func() { Sleep(d); r.step(id); order = append(order, int(id)) }
			}
			return program{[][]func(){{sleep(2, 2*time.Second), sleep(1, time.Second)}},
				func() error { return want(fmt.Sprint(order) == "[1 2]", "woke in order %v", order) }}
		}},
		{"Timer and After", func(r *runner) program {
			var fired Bool
			stopped := false
			return program{[][]func(){{
				func() {
					tm := NewTimer(time.Hour)
					After(time.Second).Recv()
					r.step(1)
					stopped = tm.Stop()
				},
				func() { AfterFunc(time.Millisecond, func() { r.step(2); fired.Store(true) }) },
			}}, func() error {
				return want(stopped && fired.Load(), "stopped %v (want true), AfterFunc fired %v (want true)", stopped, fired.Load())
			}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blocked := 0
			n := explore(t, 2, tc.build, func(e *Execution, p program) {
				if e.Outcome != Completed {
					t.Fatalf("outcome %v, want completed; panic %v\n%v", e.Outcome, e.Panic, e.Waiters)
				}
				if err := p.check(); err != nil {
					t.Fatalf("%v after %v", err, e.Events)
				}
				if blocks(e) {
					blocked++
				}
			})
			if blocked == 0 {
				t.Fatalf("no thread blocked in %d executions", n)
			}
		})
	}
}

// TestAbortUnwinds: a run that ends early (a panic, a deadlock, the
// step limit, a panic on a send to a closed channel) wakes every thread
// left, parked, blocked on each kind of primitive, or not yet started,
// and each unwinds with runtime.Goexit: its deferred calls run, the
// instrumented operations in them pass through, a thread that never
// started does not run, and no goroutine of the run is left (R8-R11).
func TestAbortUnwinds(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), idleWorkers)
	for _, tc := range []struct {
		name     string
		cfg      Config
		outcome  Outcome
		unwound  int // threads whose deferred call must run
		phases   func(unwind func(), never func()) [][]func()
		blockedN int // waiters blocked on a primitive, for a deadlock
	}{
		// With the default strategy (choice 0: the running thread
		// goes on; else the lowest-numbered runnable one), each program
		// runs one way, which leaves threads where the row says.
		{"panic with a thread parked", Config{Strategy: NewReplay([]int{1, 1})}, Panicked, 1, func(unwind, never func()) [][]func() {
			return [][]func(){{
				func() { Yield("a"); panic("boom") },
				spinner(unwind),
			}, {never}}
		}, 0},
		{"panic with threads blocked on every primitive", Config{}, Panicked, 6, func(unwind, never func()) [][]func() {
			var mu, mu2 Mutex
			var wg WaitGroup
			c := NewCond(&mu2)
			ch, ch2 := MakeChan[int](0), MakeChan[int](0)
			return [][]func(){{
				func() { mu.Lock(); defer func() { mu.Unlock(); unwind() }(); wg.Add(1); Sleep(time.Hour) },
				func() { defer unwind(); mu.Lock() },
				func() { defer unwind(); wg.Wait() },
				func() { defer unwind(); ch.Recv() },
				func() { defer func() { ch2.Send(1); unwind() }(); Select(false, ch2.SendCase(1)) },
				func() { defer unwind(); mu2.Lock(); c.Wait() },
				func() { Sleep(time.Minute); panic("boom") },
			}, {never}}
		}, 0},
		{"deadlock", Config{}, Deadlocked, 2, func(unwind, never func()) [][]func() {
			var a Mutex
			ch := MakeChan[int](0)
			return [][]func(){{
				func() { a.Lock(); defer func() { a.Unlock(); unwind() }(); a.Lock() },
				func() { defer unwind(); ch.Recv() },
			}, {never}}
		}, 2},
		{"deadlock on a nil channel and a cond", Config{}, Deadlocked, 2, func(unwind, never func()) [][]func() {
			var mu Mutex
			c := NewCond(&mu)
			var nilCh Chan[int]
			return [][]func(){{
				func() { defer unwind(); nilCh.Send(1) },
				func() { defer unwind(); mu.Lock(); c.Wait() },
			}, {never}}
		}, 1},
		{"step limit", Config{MaxSteps: 50}, OutOfSteps, 2, func(unwind, never func()) [][]func() {
			ch := MakeChan[int](0)
			return [][]func(){{
				func() { defer unwind(); ch.Recv() },
				spinner(unwind),
			}, {never}}
		}, 0},
		{"send on a closed channel", Config{}, Panicked, 1, func(unwind, never func()) [][]func() {
			ch := MakeChan[int](0)
			var wg WaitGroup
			return [][]func(){{
				func() { defer unwind(); wg.Add(1); wg.Wait() },
				func() { ch.Send(1) },
				func() { ch.Close() },
			}, {never}}
		}, 0},
		{"every primitive passes through while unwinding", Config{}, Panicked, 1, func(unwind, never func()) [][]func() {
			var mu Mutex
			var rw RWMutex
			var wg WaitGroup
			var once Once
			var v Int64
			c := NewCond(&mu)
			ch, buf := MakeChan[int](0), MakeChan[int](1)
			return [][]func(){{
				func() {
					defer func() {
						// The run is over: none of these waits, panics or
						// is recorded, and the call goes on to its end.
						mu.Lock()
						mu.Unlock()
						mu.Unlock() // not held: passes through too
						rw.RLock()
						rw.RUnlock()
						rw.Lock()
						rw.Unlock()
						c.Wait()
						c.Signal()
						c.Broadcast()
						wg.Add(1)
						wg.Wait()
						wg.Done()
						once.Do(func() {})
						v.Add(1)
						v.CompareAndSwap(1, 2)
						ch.Send(1)
						ch.Recv()
						buf.Send(1)
						buf.Recv2()
						Select(false, ch.RecvCase(nil, nil), ch.SendCase(2))
						Sleep(time.Hour)
						Yield("unwinding")
						NewTimer(time.Hour).Stop()
						_ = Now()
						unwind()
					}()
					ch.Recv()
				},
				func() { Yield("let it block"); panic("boom") },
			}, {never}}
		}, 0},
		{"goroutine not yet run", Config{}, Panicked, 0, func(unwind, never func()) [][]func() {
			return [][]func(){{func() { Go(never); panic("boom") }}}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), idleWorkers) // R10
			var unwound, ran atomic.Int32
			e := runWithin(t, tc.cfg, tc.phases(func() { unwound.Add(1) }, func() { ran.Add(1) })...)
			if e.Outcome != tc.outcome {
				t.Fatalf("outcome %v, want %v (panic %v)", e.Outcome, tc.outcome, e.Panic)
			}
			if got := unwound.Load(); int(got) != tc.unwound {
				t.Errorf("%d threads unwound, want %d", got, tc.unwound)
			}
			if ran.Load() != 0 {
				t.Errorf("a thread of a phase after the end, or a goroutine not yet run, ran")
			}
			if tc.outcome == Deadlocked {
				n := 0
				for _, w := range e.Waiters {
					if w.Blocked != 0 {
						n++
					}
				}
				if n < tc.blockedN {
					t.Errorf("%d waiters blocked on a primitive, want at least %d: %+v", n, tc.blockedN, e.Waiters)
				}
			}
		})
	}
}

// spinner returns a thread that yields forever, calling unwind when it
// unwinds.
func spinner(unwind func()) func() {
	return func() {
		defer unwind()
		for {
			Yield("spin")
		}
	}
}

// runWithin is Run, failing t if Run does not return within a minute: a
// thread the end of the run does not wake keeps Run waiting (R10).
func runWithin(t *testing.T, cfg Config, phases ...[]func()) *Execution {
	t.Helper()
	done := make(chan *Execution, 1)
	go func() { done <- Execute(cfg, phases...) }()
	select {
	case e := <-done:
		return e
	case <-time.After(time.Minute):
		t.Fatal("Run did not return: a thread of the ended run was not woken to unwind")
		return nil
	}
}

// TestHangUnwinds: a thread blocked outside the scheduler's sight ends
// the run as Hung once the watchdog sees no progress; the parked and
// blocked threads unwind at once (their deferred calls run), and the
// hung one, once released, passes through its remaining operations and
// retires, so no goroutine is left (R9-R11).
func TestHangUnwinds(t *testing.T) {
	before := goleak.IgnoreCurrent()
	release := make(chan struct{})
	var mu Mutex
	var unwound, after atomic.Int32
	// The schedule: thread 2 locks mu, thread 0 starts spinning, thread
	// 1 blocks on mu, and thread 2 hangs on a plain channel.
	e := Execute(Config{Watchdog: 50 * time.Millisecond, Strategy: NewReplay([]int{2, 0, 1, 1, 0, 1})}, []func(){
		func() {
			defer unwound.Add(1)
			for {
				Yield("spin")
			}
		},
		func() { defer unwound.Add(1); mu.Lock() },
		func() { mu.Lock(); Yield("hold"); <-release; mu.Unlock(); after.Add(1) },
	})
	if e.Outcome != Hung {
		t.Fatalf("outcome %v, want hang", e.Outcome)
	}
	running := 0
	for _, w := range e.Waiters {
		if w.Running {
			running++
			if w.Thread != 2 {
				t.Errorf("thread %d reported as the hung one, want 2", w.Thread)
			}
		}
	}
	if running != 1 {
		t.Errorf("%d waiters running, want the hung one", running)
	}
	if !strings.Contains(e.Stacks, "TestHangUnwinds") {
		t.Error("the hang's stacks do not show the hung thread")
	}
	close(release)
	goleak.VerifyNone(t, before, idleWorkers)
	if got := unwound.Load(); got != 2 {
		t.Errorf("%d threads unwound, want 2", got)
	}
	// The hung thread's Unlock is a scheduling point of the ended run: it
	// unwinds there, so what follows never runs.
	if after.Load() != 0 {
		t.Error("the hung thread went on past a scheduling point of the ended run")
	}
}

// idleWorkers ignores the goroutines the scheduler keeps to run threads
// of later runs (see idleWorker): one waiting in its loop runs nothing;
// a thread that did not end stops elsewhere and is still found.
var idleWorkers = goleak.IgnoreTopFunction("github.com/interleave-go/interleave/sched.(*worker).loop")
