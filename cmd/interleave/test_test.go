package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseTestArgs(t *testing.T) {
	for _, c := range []struct {
		args               []string
		goTest, pats, blds []string
		rewrite            []string
	}{
		{
			args:   []string{"-run", "Stress", "-v", "./a", "-count=1", "./b/..."},
			goTest: []string{"-run", "Stress", "-v", "./a", "-count=1", "./b/..."},
			pats:   []string{"./a", "./b/..."},
		},
		{
			args:    []string{"-interleave.rewrite=example.com/dep/...,example.com/x", "-tags", "t1", "-race", "-stress.checks=5", "."},
			goTest:  []string{"-tags", "t1", "-race", "-stress.checks=5", "."},
			pats:    []string{"."},
			blds:    []string{"-tags", "t1", "-race"},
			rewrite: []string{"example.com/dep/...", "example.com/x"},
		},
		{
			args:   []string{"./p", "-args", "-x", "notapkg"},
			goTest: []string{"./p", "-args", "-x", "notapkg"},
			pats:   []string{"./p"},
		},
	} {
		a, err := parseTestArgs(c.args)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.goTest, c.goTest) || !reflect.DeepEqual(a.patterns, c.pats) ||
			!reflect.DeepEqual(a.build, c.blds) || !reflect.DeepEqual(a.rewrite, c.rewrite) {
			t.Errorf("parseTestArgs(%q) = go test %q, patterns %q, build %q, rewrite %q; want %q, %q, %q, %q",
				c.args, a.goTest, a.patterns, a.build, a.rewrite, c.goTest, c.pats, c.blds, c.rewrite)
		}
	}
	if _, err := parseTestArgs([]string{"-overlay=x.json", "."}); err == nil {
		t.Error("a user's -overlay was accepted")
	}
}

// TestInterleaveTest runs interleave test on a lost update written on
// plain sync/atomic: instrumented, stress.Test finds it in controlled
// mode, with the lines of the original file in its interleaving; plain
// go test on the same package runs stress mode. A second interleave test
// takes the rewrite from the cache.
func TestInterleaveTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries: a few seconds")
	}
	const pkg = "./testdata/lostupdate"
	cache := t.TempDir()
	args := []string{"-interleave.cache=" + cache, "-count=1", "-v", "-run", "^TestStressCounter$", pkg, "-stress.v=true"}
	var out, errs bytes.Buffer
	if code := runTest(args, &out, &errs); code != 1 {
		t.Fatalf("interleave test exited %d, want 1 (the bug found)\nstdout:\n%s\nstderr:\n%s", code, &out, &errs)
	}
	for _, want := range []string{
		"controlled mode, batch",
		"interleaving (controlled",
		"(seed 1, controlled mode)",
		"replay:        go run github.com/interleave-go/interleave/cmd/interleave test github.com/interleave-go/interleave/cmd/interleave/testdata/lostupdate -run",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("interleave test output lacks %q:\n%s", want, &out)
		}
	}
	if strings.Contains(out.String(), "stress mode") {
		t.Errorf("interleave test ran stress mode:\n%s", &out)
	}
	load, store := lineOf(t, filepath.Join(pkg, "counter.go"), "c.n.Load()"), lineOf(t, filepath.Join(pkg, "counter.go"), "c.n.Store(")
	for _, re := range []string{`Load c\.n = \d+ +Add:` + load + `\b`, `Store c\.n \d+→\d+ +Add:` + store + `\b`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("the interleaving does not point at the original line (%s):\n%s", re, &out)
		}
	}
	if !strings.Contains(errs.String(), "(rewritten)") {
		t.Errorf("first run did not rewrite:\n%s", &errs)
	}

	out.Reset()
	errs.Reset()
	if code := runTest(args, &out, &errs); code != 1 || !strings.Contains(errs.String(), "(from the cache)") {
		t.Errorf("second run: exit %d, want 1 and the rewrite from the cache:\n%s", code, &errs)
	}

	plain := runGo(t, "test", "-count=1", "-v", "-run", "^TestStressCounter$", pkg, "-stress.v=true")
	if !strings.Contains(plain, "stress mode, batch") || strings.Contains(plain, "controlled") {
		t.Errorf("plain go test did not run stress mode only:\n%s", plain)
	}
}

// lineOf returns the number of the line of file that contains s.
func lineOf(t *testing.T, file, s string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), s) {
			return strconv.Itoa(n)
		}
	}
	t.Fatalf("%s has no line with %q", file, s)
	return ""
}

// runGo runs the go command and returns its combined output; a failing
// test is not an error here.
func runGo(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", args...).CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return string(out)
}

// TestInterleaveTestNotes checks the messages of interleave test: what
// stays outside the scheduler is listed with its file, line and column,
// a package that may block out of the scheduler's sight is left to stress
// mode (unless -interleave.partial) and the tests run; what cannot be
// rewritten stops it before go test.
func TestInterleaveTestNotes(t *testing.T) {
	const modulePath = "github.com/interleave-go/interleave"
	if testing.Short() {
		t.Skip("builds and runs a test binary: a few seconds")
	}
	cache := t.TempDir()
	var out, errs bytes.Buffer
	if code := runTest([]string{"-interleave.cache=" + cache, "-count=1", "./testdata/unsupported"}, &out, &errs); code != 0 {
		t.Fatalf("interleave test exited %d, want 0\n%s%s", code, &out, &errs)
	}
	for _, want := range []string{
		"1 operations are not instrumented",
		filepath.Join("testdata", "unsupported", "wait.go") + ":5:8: dot import of sync: names used without a qualifier are not rewritten",
		"left to stress mode, since they may block where the scheduler cannot see yet ([blocks] above): " + modulePath + "/cmd/interleave/testdata/unsupported\n",
		"0 files of 0 packages instrumented",
	} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, &errs)
		}
	}
	if !strings.Contains(out.String(), "ok") {
		t.Errorf("the tests did not run:\n%s", &out)
	}

	// -interleave.partial instruments it all the same.
	out.Reset()
	errs.Reset()
	if code := runTest([]string{"-interleave.cache=" + cache, "-interleave.partial", "-count=1", "./testdata/unsupported"}, &out, &errs); code != 0 {
		t.Fatalf("interleave test -interleave.partial exited %d, want 0\n%s%s", code, &out, &errs)
	}
	if !strings.Contains(errs.String(), "2 files of 1 packages instrumented") || strings.Contains(errs.String(), "stress mode") {
		t.Errorf("-interleave.partial did not instrument the package:\n%s", &errs)
	}

	// ctx.Done() becomes sched.Done(ctx): a package that selects on it is
	// instrumented.
	out.Reset()
	errs.Reset()
	if code := runTest([]string{"-interleave.cache=" + cache, "-count=1", "./testdata/crossing"}, &out, &errs); code != 0 {
		t.Fatalf("interleave test exited %d, want 0\n%s%s", code, &out, &errs)
	}
	if !strings.Contains(errs.String(), "2 files of 1 packages instrumented") || strings.Contains(errs.String(), "stress mode") || strings.Contains(errs.String(), "not instrumented") {
		t.Errorf("the select on ctx.Done() was not instrumented:\n%s", &errs)
	}

	// A channel handed to the standard library (os/signal) cannot become
	// a sched.Chan: the package is left to stress mode, with the position
	// said.
	out.Reset()
	errs.Reset()
	if code := runTest([]string{"-interleave.cache=" + cache, "-count=1", "./testdata/notify"}, &out, &errs); code != 0 {
		t.Fatalf("interleave test exited %d, want 0\n%s%s", code, &out, &errs)
	}
	file := filepath.Join("testdata", "notify", "notify.go")
	for _, want := range []string{
		file + ":" + lineOf(t, file, "signal.Notify(") + ":2: call of os/signal.Notify: passes or returns a channel: a channel shared with code that is not rewritten",
		"left to stress mode, since they may block where the scheduler cannot see yet ([blocks] above): " + modulePath + "/cmd/interleave/testdata/notify\n",
	} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, &errs)
		}
	}
	if strings.Contains(errs.String(), "Done") {
		t.Errorf("ctx.Done() is listed as crossing:\n%s", &errs)
	}

	out.Reset()
	errs.Reset()
	if code := runTest([]string{"-interleave.cache=" + cache, "-count=1", "./testdata/cannot"}, &out, &errs); code != 2 {
		t.Fatalf("interleave test exited %d, want 2\n%s%s", code, &out, &errs)
	}
	if want := "cannot rewrite:\n\t"; !strings.Contains(errs.String(), want) || !strings.Contains(errs.String(), "flag.go:11:9: go statement: this argument takes its type") || out.Len() > 0 {
		t.Errorf("interleave test did not stop with the reason:\nstdout:\n%s\nstderr:\n%s", &out, &errs)
	}
}

// TestInterleaveTestChannels runs interleave test on code written with
// plain channels and select: a lost update under a channel used as a lock
// (chanlock.Split) and a select whose snapshot case returns a stale value
// (selectpick.Stale) are found in controlled mode, with the interleaving
// on the lines of the original file; their correct twins (Whole, Fresh)
// pass thousands of controlled executions. stress.Compare of a type with
// a channel field leaves the package instrumented: the harness never
// touches the channel.
func TestInterleaveTestChannels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries: a few seconds")
	}
	cache := t.TempDir()
	for _, c := range []struct {
		pkg, test string
		fails     bool
		want      []string
	}{
		{"chanlock", "TestStressSplit", true, []string{`Send c\.lock →\{\} +Add:` + lineOf(t, "testdata/chanlock/counter.go", "c.lock <- struct{}{}") + `\b`}},
		{"chanlock", "TestStressWhole", false, nil},
		{"chanlock", "TestCompareSplit", true, []string{`s\.Add\(\d\)`}},
		{"selectpick", "TestStressStale", true, []string{`thread 1: Add\(\d\); Add\(\d\); Get\(\)`}},
		{"selectpick", "TestStressFresh", false, nil},
	} {
		t.Run(c.test, func(t *testing.T) {
			args := []string{"-interleave.cache=" + cache, "-count=1", "-v", "-run", "^" + c.test + "$", "./testdata/" + c.pkg, "-stress.seed=1", "-stress.v=true"}
			var out, errs bytes.Buffer
			code := runTest(args, &out, &errs)
			if want := map[bool]int{true: 1, false: 0}[c.fails]; code != want {
				t.Fatalf("interleave test exited %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, &out, &errs)
			}
			if strings.Contains(errs.String(), "stress mode") || !c.fails && !strings.Contains(out.String(), "controlled mode, batch") {
				t.Errorf("the package did not run in controlled mode:\n%s\n%s", &errs, &out)
			}
			if c.fails && !strings.Contains(out.String(), "(seed 1, controlled mode)") {
				t.Errorf("the bug was not found in controlled mode:\n%s", &out)
			}
			if !c.fails && !regexp.MustCompile(`no bug in \d{3,} executions`).MatchString(out.String()) {
				t.Errorf("the correct twin was not exercised:\n%s", &out)
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("output lacks %s:\n%s", re, &out)
				}
			}
		})
	}
}

// TestInterleaveTestTime checks that a package that sleeps and waits on
// time.After runs in controlled mode on the virtual clock: a counter
// whose callers resend a request that timed out applies a late one twice,
// which is found, with the timeout's receive and the server's sleep in
// the trace; its twin that dedups the copies passes.
func TestInterleaveTestTime(t *testing.T) {
	file := "testdata/timeout/retry.go"
	controlledCases(t, "timeout", []controlledCase{
		{"TestStressResend", true, []string{
			`Recv \S+ →\(time\.Time\) +call:` + lineOf(t, file, "select {") + `\b`,
			`woke from Sleep 1ms +serve\S*:` + lineOf(t, file, "time.Sleep(work)") + `\b`,
		}},
		{"TestStressDedup", false, nil},
	})
}

// controlledCase is a test of a testdata package run with interleave
// test in controlled mode, seed 1: whether it fails, and what its output
// must match.
type controlledCase struct {
	test  string
	fails bool
	want  []string
}

// controlledCases runs each case on testdata/pkg, which must be
// instrumented whole: a failing one must fail in controlled mode, a
// passing one run hundreds of executions.
func controlledCases(t *testing.T, pkg string, cases []controlledCase) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs test binaries: a few seconds")
	}
	cache := t.TempDir()
	for _, c := range cases {
		t.Run(c.test, func(t *testing.T) {
			args := []string{"-interleave.cache=" + cache, "-count=1", "-v", "-run", "^" + c.test + "$", "./testdata/" + pkg,
				"-stress.seed=1", "-stress.v=true", "-stress.mode=controlled"}
			var out, errs bytes.Buffer
			code := runTest(args, &out, &errs)
			if want := map[bool]int{true: 1, false: 0}[c.fails]; code != want {
				t.Fatalf("interleave test exited %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, &out, &errs)
			}
			if strings.Contains(errs.String(), "stress mode") || strings.Contains(errs.String(), "not instrumented") {
				t.Errorf("the package was not instrumented whole:\n%s", &errs)
			}
			if c.fails && !strings.Contains(out.String(), "(seed 1, controlled mode)") {
				t.Errorf("the bug was not found in controlled mode:\n%s", &out)
			}
			if !c.fails && !regexp.MustCompile(`no bug in \d{3,} executions`).MatchString(out.String()) {
				t.Errorf("the correct twin was not exercised:\n%s", &out)
			}
			for _, re := range c.want {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("output lacks %s:\n%s", re, &out)
				}
			}
		})
	}
}

// TestInterleaveTestContext checks that a package that gives its calls
// a context.WithTimeout and selects on ctx.Done() runs in controlled mode
// on the virtual clock: a server that checks ctx.Err() and then applies
// an Add the caller reports not done, when the deadline passes at that
// instant, is found, with the check and the deadline's cancel in the
// trace; its twin that claims each request passes.
func TestInterleaveTestContext(t *testing.T) {
	file := "testdata/ctxcancel/ledger.go"
	controlledCases(t, "ctxcancel", []controlledCase{
		{"TestStressCheck", true, []string{
			`Err \S+ →nil +serve\S*:` + lineOf(t, file, "r.ctx.Err() != nil") + `\b`,
			`cancel \S+ →context deadline exceeded`,
			`Recv \S+ →\{\} +call:` + lineOf(t, file, "select {") + `\b`,
			`Add\(\d\) -> 0, false`,
		}},
		{"TestStressClaim", false, nil},
	})
}
