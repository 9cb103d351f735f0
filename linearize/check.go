package linearize

import (
	"errors"
	"fmt"
	"github.com/interleave-go/interleave/internal/fsname"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"
)

// Verdict is the outcome of a linearizability check.
type Verdict uint8

// The verdicts. (porcupine calls them Unknown, Ok and Illegal.)
const (
	// Undecided: the checker ran out of time. Never a pass.
	Undecided Verdict = iota
	// Linearizable: some order of the operations, consistent with real
	// time, is a legal sequential run of the model.
	Linearizable
	// NotLinearizable: no such order exists.
	NotLinearizable
)

func (v Verdict) String() string {
	switch v {
	case Linearizable:
		return "linearizable"
	case NotLinearizable:
		return "not linearizable"
	}
	return "undecided"
}

// DefaultTimeout is the budget Check uses when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config configures Check. The zero value is usable.
type Config struct {
	// Timeout bounds the time porcupine may spend; zero or negative means
	// DefaultTimeout. There is no unlimited setting. The visualization of
	// a history that is not linearizable is computed again with the same budget.
	Timeout time.Duration
	// VisualizeDir, if set, is where Check writes porcupine's HTML
	// visualization of a history that is not linearizable.
	VisualizeDir string
	// Name is the stem of the visualization's file name.
	Name string
}

// Finding is what Check found: its Verdict, the time it took and the
// visualization. (A Decision, in package sched, is a scheduling
// decision.)
type Finding struct {
	Verdict Verdict
	// Elapsed is the time the check took.
	Elapsed time.Duration
	// Visualization is the path of the HTML file written for an NotLinearizable
	// history, or empty.
	Visualization string
}

// Check checks history against model.
//
// The error is about Check's own work (a bad argument, a visualization
// that could not be written); the verdict is in the Finding either way.
func Check(model porcupine.Model, history []Operation, opts Config) (Finding, error) {
	if model.Step == nil && model.StepContext == nil {
		return Finding{}, errors.New("linearize: model has no Step function")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ops := toPorcupine(history)
	start := time.Now()
	if greedy(model, ops, start.Add(timeout)) {
		// A linearization found without search: exact (see greedy).
		return Finding{Verdict: Linearizable, Elapsed: time.Since(start)}, nil
	}
	res := Finding{Verdict: verdict(porcupine.CheckOperationsTimeout(model, ops, timeout))}
	res.Elapsed = time.Since(start)
	if res.Verdict != NotLinearizable || opts.VisualizeDir == "" {
		return res, nil
	}
	// Checking again, verbosely, costs about as much as the first check and
	// is only done for a failure.
	_, info := porcupine.CheckOperationsVerbose(model, ops, timeout)
	path, err := writeVisualization(model, info, opts.VisualizeDir, opts.Name)
	res.Visualization = path
	return res, err
}

func verdict(r porcupine.CheckResult) Verdict {
	switch r {
	case porcupine.Ok:
		return Linearizable
	case porcupine.Illegal:
		return NotLinearizable
	}
	return Undecided
}

// toPorcupine converts a history, giving each pending operation a return
// after every other event and a nil output.
func toPorcupine(history []Operation) []porcupine.Operation {
	ops := make([]porcupine.Operation, len(history))
	for i, op := range history {
		ret := op.Return
		if op.Pending {
			ret = math.MaxInt64
		}
		ops[i] = porcupine.Operation{ClientId: op.Thread, Input: op.Input, Call: op.Call, Output: op.Output, Return: ret}
	}
	return ops
}

func writeVisualization(model porcupine.Model, info porcupine.LinearizationInfo, dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("linearize: visualization: %w", err)
	}
	if name == "" {
		name = "history"
	}
	f, err := os.CreateTemp(dir, fsname.Safe(name)+"-*.html")
	if err != nil {
		return "", fmt.Errorf("linearize: visualization: %w", err)
	}
	err = porcupine.Visualize(model, info, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("linearize: visualization: %w", err)
	}
	path, err := filepath.Abs(f.Name())
	if err != nil {
		return f.Name(), nil
	}
	return path, nil
}
