// Package expect holds the assertion the examples' Caught tests share.
package expect

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/stress"
)

// Caught fails t unless res holds a failure of one of kinds, shown under
// controlled scheduling when the package under test is instrumented
// (interleave test built it on package sched). In stress mode (plain go
// test) a race whose window is a few instructions wide can slip through
// every execution, so there a miss skips the test, saying so; interleave
// test catches it on every seed.
func Caught(t *testing.T, res stress.Summary, err error, instrumented bool, kinds ...stress.Kind) {
	t.Helper()
	switch f := res.Failure; {
	case err != nil:
		t.Fatal(err)
	case f == nil && !instrumented:
		t.Skipf("stress mode missed the bug in %d executions; run it under interleave test, which does not", res.Executions)
	case f == nil:
		t.Fatalf("the bug was not caught in %d controlled executions", res.Executions)
	case !slices.Contains(kinds, f.Kind):
		t.Fatalf("caught as %v, want %v:\n%s", f.Kind, kinds, f.Report())
	case instrumented && f.Mode != stress.Controlled:
		t.Fatalf("shown in %v mode, want controlled:\n%s", f.Mode, f.Report())
	}
	f := res.Failure
	t.Logf("%v found after %d executions; minimal: %d threads, %d ops, %d switches, %v mode",
		f.Kind, f.Executions, f.Threads, f.Size, f.Preemptions, f.Mode)
}
