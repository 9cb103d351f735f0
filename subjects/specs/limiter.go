package specs

import (
	"context"
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/limiter"
)

// The limiter's parameters. Quarter seconds are exact in binary floating
// point, so the model's arithmetic (x/time/rate's) and a hand-rolled
// bucket's integer arithmetic agree exactly.
const (
	LimiterRate  = 4 // tokens per second
	LimiterBurst = 2
	quarter      = time.Second / 4
)

// epoch is where every testing/synctest bubble's fake clock starts, and
// package sched's virtual clock (sched.Epoch).
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// LimiterHarness is a limiter under test.
type LimiterHarness struct {
	L limiter.Interface
}

// now is the time since the epoch: the bubble's fake clock in stress
// mode, package sched's virtual clock in controlled mode (this file is
// instrumented with the subjects), both starting at the epoch.
func (h *LimiterHarness) now() time.Duration { return time.Since(epoch) }

// Limiter tests a limiter variant in fake time with Allow(1..2),
// Wait followed by work, and Sleep, and checks both linearizability (no
// request admitted early, no over-admission) and a throughput bound (every
// request done by the time a correct bucket allows, plus its work). Stress
// mode runs it in testing/synctest bubbles; controlled mode, on an
// instrumented build, on package sched's virtual clock.
func Limiter(v limiter.Variant) stress.Spec[*LimiterHarness, model.LimiterInput, model.LimiterOutput] {
	return stress.Spec[*LimiterHarness, model.LimiterInput, model.LimiterOutput]{
		New: func() *LimiterHarness { return &LimiterHarness{L: v.New(LimiterRate, LimiterBurst)} },
		Ops: rapid.OneOf(allowOp, rapid.Custom(func(t *rapid.T) model.LimiterInput {
			return model.LimiterInput{Op: model.LimiterWait, N: 1, Work: quarter * time.Duration(rapid.IntRange(0, 2).Draw(t, "work"))}
		}), sleepOp),
		Stamp:    stampLimiter,
		Run:      runLimiter,
		Model:    model.Limiter(LimiterRate, LimiterBurst),
		Check:    limiterThroughput,
		FakeTime: true,
	}
}

var (
	allowOp = rapid.Custom(func(t *rapid.T) model.LimiterInput {
		return model.LimiterInput{Op: model.LimiterAllow, N: rapid.IntRange(1, 2).Draw(t, "n")}
	})
	sleepOp = rapid.Custom(func(t *rapid.T) model.LimiterInput {
		return model.LimiterInput{Op: model.LimiterSleep, D: quarter * time.Duration(rapid.IntRange(1, 2).Draw(t, "quarters"))}
	})
)

// stampLimiter fills in the virtual time of the call.
func stampLimiter(h *LimiterHarness, in model.LimiterInput) model.LimiterInput {
	in.At = h.now()
	return in
}

func runLimiter(h *LimiterHarness, _ int, in model.LimiterInput) model.LimiterOutput {
	switch in.Op {
	case model.LimiterAllow:
		return model.LimiterOutput{OK: h.L.AllowN(epoch.Add(in.At), in.N)}
	case model.LimiterWait:
		var admitted time.Duration
		err := h.L.Do(context.Background(), func(context.Context) error {
			admitted = h.now()
			time.Sleep(in.Work)
			return nil
		})
		if err != nil {
			return model.LimiterOutput{}
		}
		return model.LimiterOutput{OK: true, Delay: admitted - in.At}
	}
	time.Sleep(in.D)
	return model.LimiterOutput{}
}

// limiterThroughput checks that every admitted Wait finished by the time a
// correct token bucket allows, given when each call was made.
func limiterThroughput(h []stress.Operation[model.LimiterInput, model.LimiterOutput]) error {
	var calls []model.LimiterInput
	var last time.Duration
	for _, op := range h {
		if op.Pending {
			continue
		}
		switch op.Input.Op {
		case model.LimiterAllow:
			if op.Output.OK {
				calls = append(calls, op.Input)
			}
		case model.LimiterWait:
			calls = append(calls, op.Input)
			if op.Output.OK { // an error did no work
				last = max(last, op.Input.At+op.Output.Delay+op.Input.Work)
			}
		}
	}
	if bound := model.LimiterBound(LimiterRate, LimiterBurst, calls); last > bound {
		return fmt.Errorf("the last request finished at %v; a token bucket of %d/s, burst %d, finishes them all by %v", last, LimiterRate, LimiterBurst, bound)
	}
	return nil
}
