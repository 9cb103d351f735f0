package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// LimiterOp names a rate limiter operation.
type LimiterOp uint8

// The limiter operations.
const (
	// LimiterAllow takes N tokens if they are there at time At, and reports
	// whether it did; it never waits.
	LimiterAllow LimiterOp = iota
	// LimiterWait reserves N tokens at time At and returns once they are
	// due; its output is how long it waited. Work, if set, is done after
	// the wait (the article's "make a request"); it is not the limiter's
	// concern and the model ignores it.
	LimiterWait
	// LimiterSleep is not a limiter call: the calling thread lets D of
	// virtual time pass. The model accepts it in any state.
	LimiterSleep
)

// LimiterInput is one limiter operation. At is the virtual time of the
// call, as an offset from the start of the execution; the harness fills it
// in at the moment of the call.
type LimiterInput struct {
	Op   LimiterOp
	At   time.Duration
	N    int
	Work time.Duration // with LimiterWait
	D    time.Duration // with LimiterSleep
}

// String formats the input as a call.
func (in LimiterInput) String() string {
	switch in.Op {
	case LimiterAllow:
		return fmt.Sprintf("Allow(%d)@%v", in.N, in.At)
	case LimiterWait:
		if in.Work > 0 {
			return fmt.Sprintf("Wait(%d)+work(%v)@%v", in.N, in.Work, in.At)
		}
		return fmt.Sprintf("Wait(%d)@%v", in.N, in.At)
	default:
		return fmt.Sprintf("Sleep(%v)", in.D)
	}
}

// LimiterOutput is what a limiter operation returned: OK for Allow (a
// token was taken) and Wait (no error); Delay, for a Wait that was
// admitted, is how long the call waited before it was admitted. Fields an
// operation does not return are zero (all of them for a Sleep): an output
// with one set is described as the whole struct.
type LimiterOutput struct {
	OK    bool
	Delay time.Duration
}

// LimiterState is a token bucket: Tokens at virtual time Last.
type LimiterState struct {
	Tokens float64
	Last   time.Duration
}

// bucket holds a token bucket's parameters and does its arithmetic the way
// golang.org/x/time/rate does, step for step, so that floating-point
// results agree exactly.
type bucket struct {
	perSecond float64
	burst     int
}

func (b bucket) advance(s LimiterState, at time.Duration) float64 {
	last := s.Last
	if at < last {
		last = at
	}
	tokens := s.Tokens + (at-last).Seconds()*b.perSecond
	if burst := float64(b.burst); tokens > burst {
		tokens = burst
	}
	return tokens
}

// take reserves in.N tokens at in.At. It returns the state after, the
// delay until the tokens are due, and whether the reservation is granted:
// not when N exceeds the burst or the delay exceeds maxWait, and then the
// state is unchanged.
func (b bucket) take(s LimiterState, in LimiterInput, maxWait time.Duration) (LimiterState, time.Duration, bool) {
	tokens := b.advance(s, in.At) - float64(in.N)
	var d time.Duration
	if tokens < 0 {
		f := (-tokens / b.perSecond) * float64(time.Second)
		d = time.Duration(math.MaxInt64)
		if f <= float64(math.MaxInt64) {
			d = time.Duration(f)
		}
	}
	if in.N > b.burst || d > maxWait {
		return s, d, false
	}
	return LimiterState{Tokens: tokens, Last: in.At}, d, true
}

const forever = time.Duration(math.MaxInt64)

// addSat adds durations, stopping at forever instead of wrapping around
// (a Wait that can never be admitted waits forever).
func addSat(ds ...time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		if d > 0 && sum > forever-d {
			return forever
		}
		sum += d
	}
	return sum
}

// Limiter specifies a token bucket that holds at most burst tokens, refills
// at perSecond tokens per second and starts full: the semantics of
// golang.org/x/time/rate's Limiter, with the same floating-point steps, so
// a correct wrapper of it matches this model exactly, for any finite rate
// (rate.Inf, which admits everything regardless of burst, is not
// modelled).
//
// Allow must succeed exactly when the tokens are there. Wait may be
// admitted later than the bucket allows (that is a throughput question:
// see [LimiterBound]) but never earlier, and never for more than burst
// tokens at once.
func Limiter(perSecond float64, burst int) Model[LimiterState, LimiterInput, LimiterOutput] {
	b := bucket{perSecond, burst}
	return Model[LimiterState, LimiterInput, LimiterOutput]{
		Init: func() LimiterState { return LimiterState{Tokens: float64(burst)} },
		Step: func(s LimiterState, in LimiterInput, out LimiterOutput) (bool, LimiterState) {
			switch in.Op {
			case LimiterAllow:
				next, _, ok := b.take(s, in, 0)
				return out.OK == ok && out.Delay == 0, next
			case LimiterWait:
				next, d, ok := b.take(s, in, forever)
				if !ok {
					return !out.OK, next
				}
				return out.OK && out.Delay >= d, next
			default:
				return true, s
			}
		},
		Pending: func(s LimiterState, in LimiterInput) LimiterState {
			switch in.Op {
			case LimiterAllow:
				next, _, _ := b.take(s, in, 0)
				return next
			case LimiterWait:
				next, _, _ := b.take(s, in, forever)
				return next
			}
			return s
		},
		EqualState: func(a, b LimiterState) bool { return a == b },
		FormatOutput: func(in LimiterInput, out LimiterOutput) string {
			switch {
			case in.Op == LimiterAllow && out.Delay == 0:
				return fmt.Sprint(out.OK)
			case in.Op == LimiterWait && out.OK:
				return fmt.Sprintf("admitted after %v", out.Delay)
			case in.Op == LimiterWait && out.Delay == 0:
				return "error"
			case in.Op == LimiterSleep && out == (LimiterOutput{}):
				return "ok"
			}
			// A field the operation does not return is set: show it all.
			return fmt.Sprintf("%+v", out)
		},
		FormatState: func(s LimiterState) string {
			return fmt.Sprintf("%.4g tokens @%v", s.Tokens, s.Last)
		},
	}
}

// LimiterBound is the latest virtual time by which a correct token bucket
// (perSecond, burst, starting full) admits and finishes the Wait calls
// among calls, each reserving its tokens at its call time At and then
// doing its Work. calls should also hold the Allow calls that succeeded,
// since they take tokens too. Calls made at the same instant may be served
// in any order, so each Wait is allowed the latest admission of its
// instant, after that instant's Allows. A limiter whose Waits finish later
// than this has a throughput bug, even if it never admits a call too
// early.
func LimiterBound(perSecond float64, burst int, calls []LimiterInput) time.Duration {
	b := bucket{perSecond, burst}
	var sorted []LimiterInput
	for _, in := range calls {
		if in.Op == LimiterWait || in.Op == LimiterAllow {
			sorted = append(sorted, in)
		}
	}
	// By time, and at one instant the Allows first: the worst case for
	// the Waits.
	slices.SortStableFunc(sorted, func(x, y LimiterInput) int {
		switch {
		case x.At != y.At:
			return cmp.Compare(x.At, y.At)
		case x.Op == y.Op:
			return 0
		case x.Op == LimiterAllow:
			return -1
		}
		return 1
	})
	s := LimiterState{Tokens: float64(burst)}
	var bound time.Duration
	for i := 0; i < len(sorted); {
		j := i
		var latest, work time.Duration
		waits := false
		for ; j < len(sorted) && sorted[j].At == sorted[i].At; j++ {
			in := sorted[j]
			next, d, ok := b.take(s, in, forever)
			if !ok {
				continue // refused at once: no tokens taken
			}
			s = next
			if in.Op == LimiterWait {
				waits = true
				latest, work = max(latest, d), max(work, in.Work)
			}
		}
		if waits {
			bound = max(bound, addSat(sorted[i].At, latest, work))
		}
		i = j
	}
	return bound
}
