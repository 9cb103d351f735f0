package linearize

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"
)

// Verdict is the outcome of a linearizability check.
type Verdict uint8

// The verdicts.
const (
	// Unknown: the checker ran out of time. Never a pass.
	Unknown Verdict = iota
	// Ok: some order of the operations, consistent with real time, is a
	// legal sequential run of the model.
	Ok
	// Illegal: no such order exists.
	Illegal
)

func (v Verdict) String() string {
	switch v {
	case Ok:
		return "ok"
	case Illegal:
		return "illegal"
	}
	return "unknown"
}

// DefaultTimeout is the budget Check uses when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configures Check. The zero value is usable.
type Options struct {
	// Timeout bounds the time porcupine may spend; zero or negative means
	// DefaultTimeout. There is no unlimited setting. The visualization of
	// an Illegal history is computed again with the same budget.
	Timeout time.Duration
	// VisualizeDir, if set, is where Check writes porcupine's HTML
	// visualization of an Illegal history.
	VisualizeDir string
	// Name is the stem of the visualization's file name.
	Name string
}

// Result is what Check found.
type Result struct {
	Verdict Verdict
	// Elapsed is the time the check took.
	Elapsed time.Duration
	// Visualization is the path of the HTML file written for an Illegal
	// history, or empty.
	Visualization string
}

// Check checks history against model.
//
// The error is about Check's own work (a bad argument, a visualization
// that could not be written); the verdict is in the Result either way.
func Check(model porcupine.Model, history []Operation, opts Options) (Result, error) {
	if model.Step == nil && model.StepContext == nil {
		return Result{}, errors.New("linearize: model has no Step function")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ops := toPorcupine(history)
	start := time.Now()
	res := Result{Verdict: verdict(porcupine.CheckOperationsTimeout(model, ops, timeout))}
	res.Elapsed = time.Since(start)
	if res.Verdict != Illegal || opts.VisualizeDir == "" {
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
		return Ok
	case porcupine.Illegal:
		return Illegal
	}
	return Unknown
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
	f, err := os.CreateTemp(dir, safeName(name)+"-*.html")
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

// safeName keeps letters, digits, dashes and underscores, so that a test
// name makes a portable file name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}
