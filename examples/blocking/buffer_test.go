package blocking_test

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/examples/blocking"
	"github.com/interleave-go/interleave/internal/race"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

// bufferSpec tests a bounded buffer whose Put and Take block, with no
// helper goroutines: model.BoundedQueue says when each operation waits,
// so an execution that ends with operations waiting is checked, not
// reported as a deadlock.
func bufferSpec(newBuffer func(int) *blocking.Buffer) stress.Spec[*blocking.Buffer, model.BoundedInput, model.BoundedOutput] {
	return stress.Spec[*blocking.Buffer, model.BoundedInput, model.BoundedOutput]{
		New: func() *blocking.Buffer { return newBuffer(2) },
		Ops: rapid.OneOf(
			rapid.Map(rapid.IntRange(1, 3), func(v int) model.BoundedInput { return model.BoundedInput{Op: model.BoundedPut, Value: v} }),
			rapid.Just(model.BoundedInput{Op: model.BoundedTake}),
		),
		Run: func(b *blocking.Buffer, _ int, in model.BoundedInput) model.BoundedOutput {
			if in.Op == model.BoundedPut {
				b.Put(in.Value)
				return model.BoundedOutput{}
			}
			return model.BoundedOutput{Value: b.Take(), OK: true}
		},
		Model: model.BoundedQueue(2),
	}
}

// TestBufferCorrectPasses checks that the correct buffer passes, with
// Takes left waiting on an empty buffer and Puts on a full one.
func TestBufferCorrectPasses(t *testing.T) {
	skipControlledUnderRace(t)
	res, err := stress.Run(t, bufferSpec(blocking.NewBuffer), stress.WithSeed(1), stress.WithChecks(2000))
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure != nil {
		t.Fatal(res.Failure.Report())
	}
}

// TestBufferLostWakeupCaught checks that the lost wakeup is a
// linearizability violation whose history shows the Take blocked.
func TestBufferLostWakeupCaught(t *testing.T) {
	skipControlledUnderRace(t)
	var execs []int
	for seed := range uint64(seeds()) {
		// The full budget, also under -short: the bug needs 3 threads
		// and 4 operations of the right kinds.
		res, err := stress.Run(t, bufferSpec(blocking.NewBufferLostWakeup), stress.WithSeed(seed+1), stress.WithChecks(5000), stress.WithSubprocess(false))
		if err != nil {
			t.Fatal(err)
		}
		f := res.Failure
		if f == nil || f.Kind != stress.Violation || !strings.Contains(f.History, "Take() -> blocked") || !strings.Contains(f.Detail, "waiting:\nthread ") {
			t.Fatalf("seed %d: want a violation with a blocked Take, got %v", seed+1, f)
		}
		if seed == 0 {
			t.Log(f.Report())
		}
		execs = append(execs, f.Executions)
	}
	slices.Sort(execs)
	sum := 0
	for _, n := range execs {
		sum += n
	}
	t.Logf("executions to the first failure over %d seeds: median %d, worst %d, mean %.1f", len(execs), execs[len(execs)/2], execs[len(execs)-1], float64(sum)/float64(len(execs)))
}

// TestBufferStressModeRefused checks that stress mode, which cannot tell
// a blocked operation from a slow one, refuses a model with Blocks
// rather than report a correct buffer as hung.
func TestBufferStressModeRefused(t *testing.T) {
	_, err := stress.Run(t, bufferSpec(blocking.NewBuffer), stress.WithMode(stress.Stress))
	if err == nil || !strings.Contains(err.Error(), "Blocks") {
		t.Fatalf("err = %v, want the error about Blocks", err)
	}
}

func skipControlledUnderRace(t *testing.T) {
	if race.Enabled {
		t.Skip("controlled runs order every step: the race detector sees nothing in them")
	}
}
