package stress

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// T is the test handle a body run by [Check] gets: a recorder of one
// execution, with the methods of *testing.T that a test body uses.
// Error, Fatal and their kin fail the execution, not the test: Check
// then reports it with its interleaving. It is safe for concurrent use,
// and, unlike a *testing.T, FailNow (Fatal, Fatalf) may be called from
// any goroutine: it records the failure and ends that goroutine with
// runtime.Goexit, which ends the body only when called on the body's own
// goroutine.
//
// T is a struct rather than a testing.TB: testing.TB has an unexported
// method so that only package testing can implement it, and a
// *testing.T cannot be made per execution nor survive FailNow from
// another goroutine. Code shared with ordinary tests can take a small
// interface of the methods it calls (interface{ Errorf(string, ...any) },
// say), which both *testing.T and *T satisfy.
type T struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	closed   bool
	lines    []string // what Log and Error wrote, in order
	cleanups []func()
	helpers  map[string]bool
}

func newT(name string) *T {
	ctx, cancel := context.WithCancel(context.Background())
	return &T{name: name, ctx: ctx, cancel: cancel}
}

// Name returns the name of the test that called Check.
func (t *T) Name() string { return t.name }

// Context returns a context canceled when the body has returned, just
// before the functions registered with Cleanup run.
func (t *T) Context() context.Context { return t.ctx }

// Helper marks the calling function as a helper: messages name the line
// of its caller instead.
func (t *T) Helper() {
	var pc [1]uintptr
	if runtime.Callers(2, pc[:]) == 0 {
		return
	}
	f, _ := runtime.CallersFrames(pc[:]).Next()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.helpers == nil {
		t.helpers = map[string]bool{}
	}
	t.helpers[f.Function] = true
}

// Log records a message, shown with the report if the execution fails.
func (t *T) Log(args ...any) { t.write(false, fmt.Sprintln(args...)) }

// Logf is Log with a format.
func (t *T) Logf(format string, args ...any) { t.write(false, fmt.Sprintf(format, args...)) }

// Error is Log followed by Fail.
func (t *T) Error(args ...any) { t.write(true, fmt.Sprintln(args...)) }

// Errorf is Logf followed by Fail.
func (t *T) Errorf(format string, args ...any) { t.write(true, fmt.Sprintf(format, args...)) }

// Fatal is Log followed by FailNow.
func (t *T) Fatal(args ...any) {
	t.write(true, fmt.Sprintln(args...))
	runtime.Goexit()
}

// Fatalf is Logf followed by FailNow.
func (t *T) Fatalf(format string, args ...any) {
	t.write(true, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// Fail marks the execution as failed and goes on.
func (t *T) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.failed = true
	}
}

// FailNow marks the execution as failed and ends the calling goroutine
// (runtime.Goexit), from whichever goroutine it is called.
func (t *T) FailNow() {
	t.Fail()
	runtime.Goexit()
}

// Failed reports whether the execution has failed.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Cleanup registers f to run when the body has returned (or called
// FailNow), the last registered first.
func (t *T) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// write records a line prefixed with its caller's file and line, as
// package testing does. Once the execution is over, nothing is recorded.
func (t *T) write(fail bool, msg string) {
	where := t.caller()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	msg = strings.TrimSuffix(msg, "\n")
	t.lines = append(t.lines, where+": "+strings.ReplaceAll(msg, "\n", "\n        "))
	if fail {
		t.failed = true
	}
}

// caller returns "file.go:42" for the first caller of a T method that is
// not a helper.
func (t *T) caller() string {
	var pcs [32]uintptr
	n := runtime.Callers(4, pcs[:]) // past Callers, caller, write and the T method
	frames := runtime.CallersFrames(pcs[:n])
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		f, more := frames.Next()
		if !t.helpers[f.Function] || !more {
			return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
	}
}

// run runs body, then the cleanups, also when body calls FailNow.
func (t *T) run(body func(*T)) {
	defer func() {
		t.cancel()
		for {
			t.mu.Lock()
			n := len(t.cleanups)
			if n == 0 {
				t.mu.Unlock()
				return
			}
			f := t.cleanups[n-1]
			t.cleanups = t.cleanups[:n-1]
			t.mu.Unlock()
			f()
		}
	}()
	body(t)
}

// close ends the execution: later calls record nothing.
func (t *T) close() {
	t.cancel()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
}

// failure returns what the body wrote if it failed, or "".
func (t *T) failure() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.failed {
		return ""
	}
	if len(t.lines) == 0 {
		return "the body called Fail or FailNow"
	}
	return "the body failed:\n    " + strings.Join(t.lines, "\n    ")
}
