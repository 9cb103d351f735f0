package model_test

import (
	"math"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"golang.org/x/time/rate"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
)

// A history test is a history of operations and whether the model must
// accept it.
func allow(n int, t time.Duration) model.LimiterInput {
	return model.LimiterInput{Op: model.LimiterAllow, N: n, At: t}
}

func wait(n int, t time.Duration) model.LimiterInput {
	return model.LimiterInput{Op: model.LimiterWait, N: n, At: t}
}

func waitWork(t, work time.Duration) model.LimiterInput {
	return model.LimiterInput{Op: model.LimiterWait, N: 1, At: t, Work: work}
}

func sleep(d time.Duration) model.LimiterInput {
	return model.LimiterInput{Op: model.LimiterSleep, D: d}
}

var (
	allowed = model.LimiterOutput{OK: true}
	refused = model.LimiterOutput{}
	waitErr = model.LimiterOutput{}
	slept   = model.LimiterOutput{} // what Sleep returns
)

func admitted(d time.Duration) model.LimiterOutput { return model.LimiterOutput{OK: true, Delay: d} }

// Pool operations.

func TestLimiter(t *testing.T) {
	runHistories(t, model.Limiter(4, 2), []historyTest{
		{"burst then a token a quarter", sequential(
			call{allow(1, 0), allowed}, call{allow(1, 0), allowed}, call{allow(1, 0), refused},
			call{allow(1, quarter), allowed}, call{allow(1, quarter), refused},
			call{allow(2, 3*quarter), allowed}, call{allow(1, 3*quarter), refused},
			call{allow(1, 4*quarter), allowed}), true},
		{"refill stops at burst", sequential(
			call{allow(2, 0), allowed}, call{allow(2, 10*time.Second), allowed},
			call{allow(1, 10*time.Second), refused}), true},
		{"over-admission", sequential(
			call{allow(1, 0), allowed}, call{allow(1, 0), allowed}, call{allow(1, 0), allowed}), false},
		{"over-admission before refill", sequential(
			call{allow(2, 0), allowed}, call{allow(1, quarter-time.Millisecond), allowed}), false},
		{"refusal with tokens there", sequential(call{allow(1, 0), refused}), false},
		{"refill beyond burst", sequential(
			call{allow(2, 0), allowed}, call{allow(2, 10*time.Second), allowed},
			call{allow(1, 10*time.Second), allowed}), false},
		{"allow more than burst", sequential(call{allow(3, 0), allowed}), false},
		{"allow more than burst refused", sequential(call{allow(3, 0), refused}, call{allow(2, 0), allowed}), true},
		{"allow with a delay", sequential(call{allow(1, 0), admitted(quarter)}), false},
		{"wait in time", sequential(
			call{allow(2, 0), allowed}, call{wait(1, 0), admitted(quarter)},
			call{wait(1, 0), admitted(2 * quarter)}, call{wait(1, 0), admitted(3 * quarter)}), true},
		{"wait admitted late", sequential(
			call{allow(2, 0), allowed}, call{wait(1, 0), admitted(quarter + time.Millisecond)}), true},
		{"wait admitted early", sequential(
			call{allow(2, 0), allowed}, call{wait(1, 0), admitted(quarter - time.Millisecond)}), false},
		{"wait admitted at once without a token", sequential(
			call{allow(2, 0), allowed}, call{wait(1, 0), admitted(0)}), false},
		{"wait debt delays allow", sequential(
			call{wait(1, 0), admitted(0)}, call{wait(1, 0), admitted(0)}, call{wait(1, 0), admitted(quarter)},
			call{allow(1, quarter), refused}, call{allow(1, 2*quarter), allowed}), true},
		{"wait debt ignored by allow", sequential(
			call{wait(2, 0), admitted(0)}, call{wait(1, 0), admitted(quarter)},
			call{allow(1, quarter), allowed}), false},
		{"wait more than burst fails", sequential(call{wait(3, 0), waitErr}, call{allow(2, 0), allowed}), true},
		{"wait more than burst admitted", sequential(call{wait(3, 0), admitted(quarter)}), false},
		{"wait error with tokens due", sequential(call{wait(1, 0), waitErr}), false},
		{"work is not the limiter's", sequential(
			call{waitWork(0, time.Hour), admitted(0)}, call{waitWork(0, time.Hour), admitted(0)},
			call{allow(1, quarter), allowed}), true},
		{"sleep", sequential(
			call{sleep(time.Second), slept}, call{allow(2, 0), allowed}, call{sleep(quarter), slept}), true},
		// Thread 0's Allow(2) succeeded and thread 1's Allow(1) did not: only
		// the order Allow(2), Allow(1) explains that.
		{"concurrent allows, one order", []porcupine.Operation{
			at(0, 1, 4, allow(2, 0), allowed),
			at(1, 2, 3, allow(1, 0), refused),
		}, true},
		{"concurrent allows, over-admission", []porcupine.Operation{
			at(0, 1, 4, allow(2, 0), allowed),
			at(1, 2, 3, allow(1, 0), allowed),
		}, false},
		// A pending call took its token: the last Allow may fail.
		{"pending allow took a token", sequential(
			call{allow(1, 0), nil}, call{allow(1, 0), allowed}, call{allow(1, 0), refused}), true},
		{"same allows without the pending one", sequential(
			call{allow(1, 0), allowed}, call{allow(1, 0), refused}), false},
		{"pending wait reserved a token", sequential(
			call{wait(1, 0), nil}, call{allow(2, 0), refused}, call{allow(1, 0), allowed}), true},
		{"same allows without the pending wait", sequential(
			call{allow(2, 0), refused}, call{allow(1, 0), allowed}), false},
	})
}

// TestLimiterMatchesRate runs random sequences of calls, at random
// nanosecond times that may go backwards, on a rate.Limiter with explicit
// times and checks that the model accepts every answer it gives, rejects
// the wrong ones, and holds the same tokens to the bit.
func TestLimiterMatchesRate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		perSecond := rapid.SampledFrom([]float64{0.5, 1, 3, 4, 10, 1000}).Draw(t, "perSecond")
		burst := rapid.IntRange(1, 3).Draw(t, "burst")
		m := model.Limiter(perSecond, burst)
		lim := rate.NewLimiter(rate.Limit(perSecond), burst)
		base := time.Unix(1_000_000, 0)
		s := m.Init()
		var now time.Duration
		for i, n := 0, rapid.IntRange(1, 30).Draw(t, "calls"); i < n; i++ {
			step := rapid.Int64Range(-int64(100*time.Millisecond), int64(time.Second)).Draw(t, "step")
			now = max(0, now+time.Duration(step))
			in := model.LimiterInput{Op: model.LimiterAllow, N: rapid.IntRange(1, burst+1).Draw(t, "n"), At: now}
			var out, wrong model.LimiterOutput
			if rapid.Bool().Draw(t, "wait") {
				in.Op = model.LimiterWait
				r := lim.ReserveN(base.Add(now), in.N)
				out = model.LimiterOutput{OK: r.OK()}
				if r.OK() {
					out.Delay = r.DelayFrom(base.Add(now))
				}
				wrong = model.LimiterOutput{OK: !out.OK}
				if out.Delay > 0 {
					wrong = model.LimiterOutput{OK: true, Delay: out.Delay - 1}
				}
			} else {
				out = model.LimiterOutput{OK: lim.AllowN(base.Add(now), in.N)}
				wrong = model.LimiterOutput{OK: !out.OK}
			}
			if legal, _ := m.Step(s, in, wrong); legal {
				t.Fatalf("call %d: %v: model accepts %+v, rate answered %+v", i, in, wrong, out)
			}
			legal, next := m.Step(s, in, out)
			if !legal {
				t.Fatalf("call %d: %v: model rejects rate's answer %+v from state %+v", i, in, out, s)
			}
			s = next
			if got := lim.TokensAt(base.Add(s.Last)); got != s.Tokens {
				t.Fatalf("call %d: %v: model holds %v tokens at %v, rate %v", i, in, s.Tokens, s.Last, got)
			}
		}
	})
}

func TestLimiterBound(t *testing.T) {
	tests := []struct {
		name  string
		calls []model.LimiterInput
		want  time.Duration
	}{
		{"none", nil, 0},
		{"two waits within burst, with work", []model.LimiterInput{waitWork(0, quarter), waitWork(0, quarter)}, quarter},
		{"three waits, one a quarter late", []model.LimiterInput{wait(1, 0), wait(1, 0), wait(1, 0)}, quarter},
		{"two waits within burst", []model.LimiterInput{wait(1, 0), wait(1, 0)}, 0},
		// The Allow is listed last but served first: it took the token
		// the second Wait would have had.
		{"allow at the same instant first", []model.LimiterInput{wait(1, 0), wait(1, 0), allow(1, 0)}, quarter},
		{"latest admission plus longest work", []model.LimiterInput{
			waitWork(0, 100*time.Millisecond), waitWork(0, quarter), wait(1, 0),
		}, 2 * quarter},
		{"debt carried to a later instant", []model.LimiterInput{
			wait(1, 0), wait(1, 0), wait(1, 0), wait(1, quarter),
		}, 2 * quarter},
		{"refill between instants", []model.LimiterInput{
			wait(2, 0), wait(2, 2*quarter),
		}, 2 * quarter},
		{"two tokens at once", []model.LimiterInput{wait(2, 0), wait(2, 0)}, 2 * quarter},
		{"sleeps ignored", []model.LimiterInput{
			sleep(time.Hour), wait(1, 0), wait(1, 0), sleep(time.Hour), wait(1, 0),
		}, quarter},
		{"wait beyond burst refused, takes nothing", []model.LimiterInput{
			wait(3, 0), wait(1, 0), wait(1, 0),
		}, 0},
		{"an instant with only Allows does not raise the bound", []model.LimiterInput{
			wait(1, 0), allow(1, 10*time.Second),
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := model.LimiterBound(4, 2, tt.calls); got != tt.want {
				t.Errorf("LimiterBound(4, 2, %v) = %v, want %v", tt.calls, got, tt.want)
			}
		})
	}
	// A Wait that can never be admitted waits forever: the bound must not
	// wrap around to a small number.
	never := []model.LimiterInput{wait(1, time.Second), wait(1, time.Second)}
	if got := model.LimiterBound(0, 1, never); got != time.Duration(math.MaxInt64) {
		t.Errorf("LimiterBound(0, 1, %v) = %v, want forever", never, got)
	}
}
