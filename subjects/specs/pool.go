package specs

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/pool"
)

// The pool's size under test: two workers and room for one queued task,
// so Submit blocks as soon as both workers are busy and one task waits.
const (
	PoolWorkers = 2
	PoolQueue   = 1
)

// PoolHarness is a pool under test with the means to cancel its context
// and to number its tasks.
type PoolHarness struct {
	P      pool.Interface
	cancel context.CancelFunc
	next   atomic.Int64
}

var errTaskFailed = errors.New("task failed")

// Pool tests a pool variant in fake time with Submit (tasks of 0 to 300ms
// that may fail), Cancel and Sleep, and always Close at the end, whose
// report must name every accepted task exactly once.
func Pool(v pool.Variant) stress.Spec[*PoolHarness, model.PoolInput, model.PoolOutput] {
	return stress.Spec[*PoolHarness, model.PoolInput, model.PoolOutput]{
		New: func() *PoolHarness {
			ctx, cancel := context.WithCancel(context.Background())
			return &PoolHarness{P: v.New(ctx, PoolWorkers, PoolQueue), cancel: cancel}
		},
		Ops: rapid.OneOf(
			rapid.Custom(func(t *rapid.T) model.PoolInput {
				return model.PoolInput{Op: model.PoolSubmit, Job: model.PoolJob{
					Work: 100 * time.Millisecond * time.Duration(rapid.IntRange(0, 3).Draw(t, "work")),
					Fail: rapid.Bool().Draw(t, "fail"),
				}}
			}),
			rapid.Just(model.PoolInput{Op: model.PoolCancel}),
			rapid.Custom(func(t *rapid.T) model.PoolInput {
				return model.PoolInput{Op: model.PoolSleep, D: 100 * time.Millisecond * time.Duration(rapid.IntRange(1, 2).Draw(t, "d"))}
			}),
		),
		Stamp: func(h *PoolHarness, in model.PoolInput) model.PoolInput {
			if in.Op == model.PoolSubmit {
				in.Job.ID = int(h.next.Add(1))
			}
			return in
		},
		Run:      runPool,
		Finally:  []model.PoolInput{{Op: model.PoolClose}},
		Model:    model.Pool(),
		FakeTime: true,
	}
}

func runPool(h *PoolHarness, _ int, in model.PoolInput) model.PoolOutput {
	switch in.Op {
	case model.PoolSubmit:
		job := in.Job
		return model.PoolOutput{Accepted: h.P.Submit(job.ID, func(ctx context.Context) error {
			select {
			case <-time.After(job.Work):
				if job.Fail {
					return errTaskFailed
				}
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})}
	case model.PoolCancel:
		h.cancel()
	case model.PoolClose:
		var report []model.PoolResult
		for _, r := range h.P.Close() {
			status := model.PoolDone
			switch {
			case r.Cancelled():
				status = model.PoolCancelled
			case r.Err != nil:
				status = model.PoolFailed
			}
			report = append(report, model.PoolResult{ID: r.ID, Status: status})
		}
		slices.SortFunc(report, func(a, b model.PoolResult) int { return a.ID - b.ID })
		return model.PoolOutput{Report: report}
	default:
		time.Sleep(in.D)
	}
	return model.PoolOutput{}
}
