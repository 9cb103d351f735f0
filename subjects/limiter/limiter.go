// Package limiter is the article's rate-limited API client: requests wait
// for a token from a token bucket, then do their work. It keeps the
// article's two mistakes as mutants, and a hand-rolled bucket that shows
// why the article was right to reach for golang.org/x/time/rate.
//
// Every variant has an explicit-time twin for its non-blocking call
// (AllowN takes the time, as rate.Limiter's does), so tests need not sleep.
//
// Every variant is plain Go: sync/atomic, channels, context, time and
// x/time/rate. interleave runs them under its controlled scheduler through
// the build-time instrumentation (interleave test, with x/time/rate
// rewritten too, so that its lock, clock and timers are the scheduler's),
// like any user's code.
package limiter

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Interface is what every variant implements.
type Interface interface {
	// AllowN reports whether n requests may go at time t, and if so takes
	// their tokens. It never waits.
	AllowN(t time.Time, n int) bool
	// Do waits for a token, then runs work. It returns ctx's error if ctx
	// ends first, and work's error otherwise.
	Do(ctx context.Context, work func(context.Context) error) error
}

// Rate admits requests through a token bucket of golang.org/x/time/rate:
// at most burst at once, refilled at perSecond. It adds no lock of its
// own: rate.Limiter is safe for concurrent use (the article's claim that
// it is not, and the mutex it adds because of that, is the bug in
// ArticleClient). Requests wait for their token concurrently and do their
// work concurrently.
//
// Make one with NewClient. It is safe for concurrent use.
type Rate struct {
	lim *rate.Limiter
}

// NewRate returns a client allowing perSecond requests per second on
// average and burst at once.
func NewRate(perSecond float64, burst int) *Rate {
	return &Rate{lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// AllowN reports whether n requests may go at time t.
func (c *Rate) AllowN(t time.Time, n int) bool { return c.lim.AllowN(t, n) }

// Do waits for a token, then runs work.
func (c *Rate) Do(ctx context.Context, work func(context.Context) error) error {
	if err := c.lim.Wait(ctx); err != nil {
		return err
	}
	return work(ctx)
}

// MutexAcrossWait is a MUTANT, the article's client: it holds a mutex
// across Wait and the work, believing rate.Limiter needs one. Nothing is
// unsafe, but requests now run one at a time: however many tokens the
// bucket holds, throughput falls to one request per work period. That is
// a throughput bug, not a safety bug, so a linearizability check alone
// misses it; a bound on the total time, checked in fake time, does not.
//
// The article's mutex is a sync.Mutex; this one is a channel of one slot,
// which locks the same way but lets testing/synctest's clock run while
// goroutines wait for it: a goroutine waiting for a sync.Mutex is not
// durably blocked, so it would stall the fake clock of stress mode while
// the holder sleeps in Wait.
type MutexAcrossWait struct {
	lim *rate.Limiter
	mu  chan struct{} // a lock: full while held
}

// NewMutexAcrossWait returns the article's client.
func NewMutexAcrossWait(perSecond float64, burst int) *MutexAcrossWait {
	return &MutexAcrossWait{lim: rate.NewLimiter(rate.Limit(perSecond), burst), mu: make(chan struct{}, 1)}
}

func (c *MutexAcrossWait) lock()   { c.mu <- struct{}{} }
func (c *MutexAcrossWait) unlock() { <-c.mu }

// AllowN reports whether n requests may go at time t.
func (c *MutexAcrossWait) AllowN(t time.Time, n int) bool {
	c.lock()
	defer c.unlock()
	return c.lim.AllowN(t, n)
}

// Do waits for a token and runs work, both under the client's mutex.
func (c *MutexAcrossWait) Do(ctx context.Context, work func(context.Context) error) error {
	c.lock()
	defer c.unlock()
	if err := c.lim.Wait(ctx); err != nil {
		return err
	}
	return work(ctx)
}

// CheckThenAct is a MUTANT: a hand-rolled token bucket whose AllowN refills
// and then checks and takes tokens in separate atomic steps. Two requests
// that check at the same moment both see the last token and both take it:
// the bucket admits more than its burst. Each step is atomic; the
// check-then-act is not.
//
// Tokens are counted in thousandths. Make one with NewBucket.
type CheckThenAct struct {
	perSecond int64
	burst     int64
	tokens    atomic.Int64 // thousandths of a token
	last      atomic.Int64 // time of the last refill, Unix nanoseconds
	started   atomic.Int64 // 1 once last is set
}

// NewCheckThenAct returns a hand-rolled bucket allowing perSecond requests per
// second and burst at once, starting full.
func NewCheckThenAct(perSecond, burst int) *CheckThenAct {
	b := &CheckThenAct{perSecond: int64(perSecond), burst: int64(burst)}
	b.tokens.Store(int64(burst) * 1000)
	return b
}

// AllowN reports whether n requests may go at time t, and takes their
// tokens if so, or believes it does.
func (b *CheckThenAct) AllowN(t time.Time, n int) bool {
	b.refill(t)
	need := int64(n) * 1000
	if n <= int(b.burst) && b.tokens.Load() >= need {
		b.tokens.Add(-need)
		return true
	}
	return false
}

func (b *CheckThenAct) refill(t time.Time) {
	now := t.UnixNano()
	if b.started.Swap(1) == 0 {
		b.last.Store(now)
		return
	}
	last := b.last.Load()
	if now <= last {
		return
	}
	add := (now - last) * b.perSecond / int64(time.Millisecond)
	b.last.Store(now)
	if tokens := b.tokens.Load() + add; tokens < b.burst*1000 {
		b.tokens.Store(tokens)
	} else {
		b.tokens.Store(b.burst * 1000)
	}
}

// Do polls AllowN until it admits the request, sleeping for the time one
// token takes to come back, then runs work.
func (b *CheckThenAct) Do(ctx context.Context, work func(context.Context) error) error {
	for !b.AllowN(time.Now(), 1) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second / time.Duration(b.perSecond)):
		}
	}
	return work(ctx)
}

// Variant is one implementation, correct or a mutant.
type Variant struct {
	Name string
	// Bug describes the mutant's bug; empty for a correct variant.
	Bug string
	// Rate is set for a variant built on golang.org/x/time/rate.
	Rate bool
	// New returns a limiter allowing perSecond requests per second and
	// burst at once.
	New func(perSecond, burst int) Interface
}

// Mutant reports whether the variant has a bug on purpose.
func (v Variant) Mutant() bool { return v.Bug != "" }

// Variants lists the limiter implementations.
var Variants = []Variant{
	{Name: "Rate", Rate: true, New: func(r, b int) Interface { return NewRate(float64(r), b) }},
	{Name: "MutexAcrossWait", Bug: "a mutex held across Wait and the work: one request at a time", Rate: true, New: func(r, b int) Interface { return NewMutexAcrossWait(float64(r), b) }},
	{Name: "CheckThenAct", Bug: "hand-rolled bucket checks and takes tokens in separate steps: over-admits", New: func(r, b int) Interface { return NewCheckThenAct(r, b) }},
}
