package model_test

import (
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/model"
)

// A history test is a history of operations and whether the model must
// accept it.
func submit(id int, fail bool) model.PoolInput {
	return model.PoolInput{Op: model.PoolSubmit, Job: model.PoolJob{ID: id, Work: 10 * time.Millisecond, Fail: fail}}
}

var (
	cancelPool = model.PoolInput{Op: model.PoolCancel}
	closePool  = model.PoolInput{Op: model.PoolClose}
	accepted   = model.PoolOutput{Accepted: true}
	rejected   = model.PoolOutput{}
	poolOK     = model.PoolOutput{} // what Cancel and Sleep return
)

func report(lines ...model.PoolResult) model.PoolOutput { return model.PoolOutput{Report: lines} }

func result(id int, s model.PoolStatus) model.PoolResult {
	return model.PoolResult{ID: id, Status: s}
}

func TestPool(t *testing.T) {
	const (
		fails = true
		works = false
	)
	done, failed, cancelled := model.PoolDone, model.PoolFailed, model.PoolCancelled
	runHistories(t, model.Pool(), []historyTest{
		{"every job reported", sequential(
			call{submit(1, works), accepted}, call{submit(2, fails), accepted},
			call{closePool, report(result(2, failed), result(1, done))}), true},
		{"nothing submitted", sequential(call{closePool, report()}), true},
		{"job missing", sequential(
			call{submit(1, works), accepted}, call{submit(2, works), accepted},
			call{closePool, report(result(1, done))}), false},
		{"job reported twice", sequential(
			call{submit(1, works), accepted},
			call{closePool, report(result(1, done), result(1, done))}), false},
		{"unknown job", sequential(
			call{submit(1, works), accepted},
			call{closePool, report(result(1, done), result(3, done))}), false},
		{"failing job done", sequential(
			call{submit(1, fails), accepted}, call{closePool, report(result(1, done))}), false},
		{"working job failed", sequential(
			call{submit(1, works), accepted}, call{closePool, report(result(1, failed))}), false},
		{"cancelled without cancel", sequential(
			call{submit(1, works), accepted}, call{closePool, report(result(1, cancelled))}), false},
		{"cancelled after cancel", sequential(
			call{submit(1, works), accepted}, call{submit(2, fails), accepted}, call{cancelPool, poolOK},
			call{closePool, report(result(1, cancelled), result(2, failed))}), true},
		{"cancel does not excuse a missing job", sequential(
			call{submit(1, works), accepted}, call{cancelPool, poolOK}, call{closePool, report()}), false},
		{"rejected while open", sequential(call{submit(1, works), rejected}), false},
		{"submit after close rejected", sequential(
			call{closePool, report()}, call{submit(1, works), rejected}, call{closePool, report()}), true},
		{"submit after close accepted", sequential(
			call{closePool, report()}, call{submit(1, works), accepted}), false},
		{"submit after cancel rejected", sequential(
			call{cancelPool, poolOK}, call{submit(1, works), rejected}, call{closePool, report()}), true},
		{"submit after cancel accepted", sequential(
			call{cancelPool, poolOK}, call{submit(1, works), accepted}), false},
		{"rejected job reported", sequential(
			call{cancelPool, poolOK}, call{submit(1, works), rejected}, call{closePool, report(result(1, cancelled))}), false},
		{"second close reports again", sequential(
			call{submit(1, works), accepted}, call{closePool, report(result(1, done))},
			call{closePool, report(result(1, done))}), false},
		{"sleep", sequential(
			call{model.PoolInput{Op: model.PoolSleep, D: time.Second}, poolOK},
			call{submit(1, works), accepted}, call{closePool, report(result(1, done))}), true},
		// A Submit that never returned may or may not have been accepted.
		{"pending submit reported", sequential(
			call{submit(1, works), nil}, call{closePool, report(result(1, done))}), true},
		{"pending submit not reported", sequential(
			call{submit(1, works), nil}, call{closePool, report()}), true},
		{"pending submit reported twice", sequential(
			call{submit(1, works), nil}, call{closePool, report(result(1, done), result(1, done))}), false},
		{"pending submit with the wrong status", sequential(
			call{submit(1, fails), nil}, call{closePool, report(result(1, done))}), false},
		{"pending submit called after close", sequential(
			call{closePool, report(result(1, done))}, call{submit(1, works), nil}), false},
		{"pending cancel took effect", sequential(
			call{submit(1, works), accepted}, call{cancelPool, nil}, call{closePool, report(result(1, cancelled))}), true},
		// Thread 0's Submit was accepted although thread 1's Cancel ran
		// inside it: only Submit, then Cancel explains that.
		{"submit overlapping cancel, accepted", []porcupine.Operation{
			at(0, 1, 4, submit(1, works), accepted),
			at(1, 2, 3, cancelPool, poolOK),
			at(1, 5, 6, closePool, report(result(1, cancelled))),
		}, true},
		{"submit overlapping close, reported", []porcupine.Operation{
			at(0, 1, 4, submit(1, works), accepted),
			at(1, 2, 3, closePool, report(result(1, done))),
		}, true},
		{"submit overlapping close, accepted but missing", []porcupine.Operation{
			at(0, 1, 4, submit(1, works), accepted),
			at(1, 2, 3, closePool, report()),
		}, false},
	})
}

// TestPoolPure checks that Step leaves the state it is given alone, even
// when its slices have room to grow in place.
func TestPoolPure(t *testing.T) {
	m := model.Pool()
	jobs := make([]model.PoolJob, 1, 4)
	jobs[0] = model.PoolJob{ID: 1}
	s := model.PoolState{Accepted: jobs, Maybe: jobs}
	for _, in := range []model.PoolInput{submit(2, false), cancelPool, closePool} {
		m.Step(s, in, accepted)
		m.Pending(s, in)
		if got := jobs[:cap(jobs)]; got[1] != (model.PoolJob{}) || len(s.Accepted) != 1 || s.Cancelled || s.Closed {
			t.Fatalf("%v changed its state: %+v, backing array %v", in, s, got)
		}
	}
}
