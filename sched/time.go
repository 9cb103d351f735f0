package sched

import (
	"sync"
	"time"
	"unsafe"
)

// Virtual time. In a controlled run time does not pass by itself: the
// run has a clock of its own, which starts at [Epoch] and moves only when
// every managed goroutine is blocked and some timer (a Sleep, an After, a
// Timer, a Ticker) is pending, as in testing/synctest. The clock then
// jumps to the earliest deadline and every timer due at that instant
// fires, in an order the strategy picks among them (a recorded choice, so
// a replay fires them in the same order). A run ends as a deadlock only
// when every managed goroutine is blocked and no timer is pending; a run
// whose goroutines all return ends even if timers are pending.
//
// Outside a controlled run each function is the time package's, except
// that channels are [Chan]s.

// Epoch is the time a controlled run's clock starts at: midnight UTC on
// 2000-01-01, as in testing/synctest.
var Epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// vclock is the virtual clock of a controlled run. Guarded by s.mu.
type vclock struct {
	now    time.Duration // since Epoch
	seq    uint64        // numbers the timers as they are set
	timers []*vtimer     // the pending ones, in no order
}

// vtimer is a timer of a controlled run: fire is called with s.mu held
// when the clock reaches when. A periodic one is set again period later.
type vtimer struct {
	when, period time.Duration
	seq          uint64
	pending      bool
	fire         func(s *scheduler)
}

// setLocked makes vt due d from now. Called with mu held.
func (s *scheduler) setLocked(vt *vtimer, d time.Duration) {
	s.vt.seq++
	vt.when, vt.seq = s.vt.now+max(d, 0), s.vt.seq
	if !vt.pending {
		vt.pending = true
		s.vt.timers = append(s.vt.timers, vt)
	}
}

// unsetLocked removes vt from the pending timers and reports whether it
// was pending. Called with mu held.
func (s *scheduler) unsetLocked(vt *vtimer) bool {
	if !vt.pending {
		return false
	}
	vt.pending = false
	for i, p := range s.vt.timers {
		if p == vt {
			s.vt.timers = append(s.vt.timers[:i], s.vt.timers[i+1:]...)
			break
		}
	}
	return true
}

// fireTimersLocked is called when no managed goroutine can run: it moves
// the clock to the earliest pending deadline and fires every timer due
// then, until some thread can run, which it returns; nil if none can,
// and no timer is pending (or the step limit ended the run). Called with
// mu held.
func (s *scheduler) fireTimersLocked() *thread {
	for len(s.vt.timers) > 0 && !s.aborted {
		if s.steps++; s.steps > s.cfg.MaxSteps {
			s.endLocked(OutOfSteps) // a ticker that wakes no one, say
			return nil
		}
		when := s.vt.timers[0].when
		for _, vt := range s.vt.timers[1:] {
			when = min(when, vt.when)
		}
		var due []*vtimer
		for _, vt := range s.vt.timers {
			if vt.when == when {
				due = append(due, vt)
			}
		}
		// In the order they were set, then as the strategy picks.
		for i := 1; i < len(due); i++ {
			for j := i; j > 0 && due[j].seq < due[j-1].seq; j-- {
				due[j], due[j-1] = due[j-1], due[j]
			}
		}
		s.vt.now = when
		for len(due) > 0 {
			i := s.pickCase(len(due))
			vt := due[i]
			due = append(due[:i], due[i+1:]...)
			s.unsetLocked(vt)
			if vt.period > 0 {
				s.setLocked(vt, vt.period)
			}
			vt.fire(s)
		}
		if next := s.choose(nil); next != nil {
			return next
		}
	}
	return nil
}

// clock returns the run in progress if the calling goroutine is one of
// its threads, holding the processor, or nil.
func clock() *scheduler {
	if on.Load() == 0 {
		return nil
	}
	return controlled()
}

// Now returns the current time: in a controlled run, the run's virtual
// clock; outside one, time.Now().
func Now() time.Time {
	if s := clock(); s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return Epoch.Add(s.vt.now)
	}
	return time.Now()
}

// Since returns the time elapsed since t, Now().Sub(t).
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Until returns the duration until t, t.Sub(Now()).
func Until(t time.Time) time.Duration { return t.Sub(Now()) }

// Sleep pauses the calling goroutine for at least d. In a controlled run
// it is a scheduling point, and the goroutine is blocked until the clock
// reaches its deadline; outside one it is time.Sleep.
func Sleep(d time.Duration) {
	s := clock()
	if s == nil {
		time.Sleep(d)
		return
	}
	t := s.point()
	if t == nil {
		return // the run is over: never wait
	}
	text := "Sleep " + d.String()
	if d <= 0 {
		s.record(t, Event{Kind: KindOp, Text: text})
		return
	}
	vt := &vtimer{}
	key := unsafe.Pointer(vt)
	vt.fire = func(s *scheduler) { s.wakeUpLocked(t, key) }
	s.mu.Lock()
	s.setLocked(vt, d)
	s.mu.Unlock()
	if s.block(t, key, Event{Kind: KindBlock, Text: text}, nil) == nil {
		return
	}
	s.record(t, Event{Kind: KindOp, Text: "woke from " + text})
}

// After waits for d to elapse and then sends the current time on the
// returned channel, as time.After does.
func After(d time.Duration) Chan[time.Time] { return NewTimer(d).C }

// Timer is time.Timer on the run's clock: when it fires, the current time
// is sent on C, unless it was made by AfterFunc. As with time.Timer since
// Go 1.23, no value sent before a Stop or Reset is received after it.
type Timer struct {
	C Chan[time.Time]

	f     func()      // for AfterFunc
	rt    *time.Timer // outside a run
	s     *scheduler  // the run it was made in
	vt    *vtimer
	pmu   sync.Mutex // for a Ticker outside a run
	tick  time.Duration
	ended bool
}

// NewTimer returns a Timer that sends the current time on its channel
// after at least d.
func NewTimer(d time.Duration) *Timer {
	tm := &Timer{C: MakeChan[time.Time](1)}
	tm.start(d, 0)
	return tm
}

// AfterFunc waits for d to elapse and then calls f in its own goroutine,
// which in a controlled run is a managed one. The Timer's C is nil.
func AfterFunc(d time.Duration, f func()) *Timer {
	tm := &Timer{f: f}
	tm.start(d, 0)
	return tm
}

// start sets the timer going, in the run in progress if any.
func (tm *Timer) start(d, period time.Duration) {
	s := clock()
	if s == nil {
		tm.pmu.Lock()
		defer tm.pmu.Unlock()
		tm.tick = period
		tm.rt = time.AfterFunc(max(d, 0), tm.fireReal)
		return
	}
	tm.s = s
	tm.vt = &vtimer{period: period, fire: tm.fireVirtual}
	s.mu.Lock()
	s.setLocked(tm.vt, d)
	s.mu.Unlock()
}

// fireVirtual fires the timer in its run. Called with s.mu held.
func (tm *Timer) fireVirtual(s *scheduler) {
	if tm.f != nil {
		s.spawn(tm.f, len(s.threads))
		return
	}
	h := tm.C.h
	if h.sendLocked(s, h.runOf(s), Epoch.Add(s.vt.now)) == wouldBlock {
		// A value not yet received: a ticker drops the tick, as
		// time.Ticker does.
		return
	}
}

// fireReal fires the timer outside a run.
func (tm *Timer) fireReal() {
	if tm.f != nil {
		tm.f()
		return
	}
	tm.pmu.Lock()
	defer tm.pmu.Unlock()
	if tm.ended {
		return
	}
	select {
	case tm.C.h.c <- time.Now():
	default:
	}
	if tm.tick > 0 {
		tm.rt.Reset(tm.tick)
	}
}

// Stop prevents the timer from firing and drains a value it sent and
// nobody received. It reports whether it stopped the timer: false if it
// had fired (and its value was received) or been stopped.
func (tm *Timer) Stop() bool { return tm.reset(0, false) }

// Reset changes the timer to fire after d, as Stop and a new start would,
// and reports whether the timer was active.
func (tm *Timer) Reset(d time.Duration) bool { return tm.reset(d, true) }

func (tm *Timer) reset(d time.Duration, restart bool) bool {
	if tm.rt == nil && tm.vt == nil {
		panic("sched: Stop or Reset called on uninitialized Timer")
	}
	if tm.vt != nil {
		return tm.resetVirtual(d, restart)
	}
	tm.pmu.Lock()
	defer tm.pmu.Unlock()
	active := tm.rt.Stop()
	if tm.f == nil {
		select {
		case <-tm.C.h.c:
			active = true
		default:
		}
	}
	tm.ended = !restart
	if restart {
		if tm.tick > 0 {
			tm.tick = d
		}
		tm.rt.Reset(max(d, 0))
	}
	return active
}

func (tm *Timer) resetVirtual(d time.Duration, restart bool) bool {
	s := clock()
	if s != tm.s {
		return false // its run is over
	}
	t := s.point()
	if t == nil {
		return false
	}
	s.mu.Lock()
	active := s.unsetLocked(tm.vt)
	if tm.f == nil {
		select {
		case <-tm.C.h.c:
			active = true
		default:
		}
	}
	if restart {
		if tm.vt.period > 0 {
			tm.vt.period = d
		}
		s.setLocked(tm.vt, d)
	}
	s.mu.Unlock()
	text := "Stop"
	if restart {
		text = "Reset " + d.String()
	}
	s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(tm)), Text: "Timer." + text, OK: active})
	return active
}

// Ticker is time.Ticker on the run's clock: it sends the current time on
// C every period, dropping ticks nobody received.
type Ticker struct {
	C  Chan[time.Time]
	tm *Timer
}

// NewTicker returns a Ticker that ticks every d. It panics if d <= 0.
func NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	tm := &Timer{C: MakeChan[time.Time](1)}
	tm.start(d, d)
	return &Ticker{C: tm.C, tm: tm}
}

// Tick returns the channel of a new Ticker, or a nil channel if d <= 0.
func Tick(d time.Duration) Chan[time.Time] {
	if d <= 0 {
		return Chan[time.Time]{}
	}
	return NewTicker(d).C
}

// Stop turns the ticker off.
func (tk *Ticker) Stop() { tk.tm.Stop() }

// Reset stops the ticker and makes it tick every d from now. It panics if
// d <= 0.
func (tk *Ticker) Reset(d time.Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	tk.tm.Reset(d)
}
