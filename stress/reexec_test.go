package stress

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReexec runs plain go test on counters written on plain sync/atomic
// (testdata/reexec) that ask for controlled mode: each test re-runs
// itself in a build instrumented by interleave test, where the lost
// update is found in controlled mode with the user's lines in its
// interleaving, the correct twin passes (in a subtest, run alone there),
// the binary is built once for both, and
// the opt-out (an option, then the environment) keeps the uninstrumented
// run and its error.
func TestReexec(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries: several seconds")
	}
	const pkg = "./testdata/reexec"
	env := reexecTestEnv(t)
	out := goTest(t, env, "-count=1", "-v", pkg)
	src, err := os.ReadFile(filepath.Join(pkg, "counter.go"))
	if err != nil {
		t.Fatal(err)
	}
	line := func(s string) string {
		i := strings.Index(string(src), s)
		if i < 0 {
			t.Fatalf("counter.go has no %q", s)
		}
		return strconv.Itoa(1 + strings.Count(string(src[:i]), "\n"))
	}
	load, store := line("c.n.Load() // the load"), line("c.n.Store(v + d)")
	const reran = "controlled mode runs in this package's test binary built by interleave test"
	if n := strings.Count(out, "built this package's test binary instrumented by interleave test"); n != 1 {
		t.Errorf("the instrumented test binary was built %d times, want once:\n%s", n, out)
	}
	for _, c := range []struct {
		test, verdict string
		want          []string // regular expressions
		not           []string
	}{
		{"TestLossy", "FAIL", []string{
			reran, `interleaving \(controlled`, `\(seed 1, controlled mode\)`,
			`Load c\.n = \d+ +Add:` + load + `\b`, `Store c\.n \d+→\d+ +Add:` + store + `\b`,
			`replay: +go run github\.com/interleave-go/interleave/cmd/interleave test github\.com/interleave-go/interleave/stress/testdata/reexec -run '\^TestLossy\$'`,
		}, []string{"stress mode"}},
		{"TestCounter", "PASS", []string{
			reran, `--- PASS: TestCounter/twin`, `no bug in \d+ executions .* controlled executions`,
		}, []string{"stress mode"}},
		{"TestOptOut", "PASS", []string{`turned off`}, []string{reran}},
	} {
		part := testOutput(out, c.test)
		if !strings.Contains(part, "--- "+c.verdict+": "+c.test+" ") {
			t.Errorf("%s did not %s:\n%s", c.test, c.verdict, part)
			continue
		}
		for _, re := range c.want {
			if !regexp.MustCompile(re).MatchString(part) {
				t.Errorf("%s: the output lacks %s:\n%s", c.test, re, part)
			}
		}
		for _, s := range c.not {
			if strings.Contains(part, s) {
				t.Errorf("%s: the output says %q:\n%s", c.test, s, part)
			}
		}
	}

	off := goTest(t, append(env, "STRESS_REEXEC=0"), "-count=1", "-v", "-run=^TestLossy$", pkg)
	if !strings.Contains(off, "--- FAIL: TestLossy") || !strings.Contains(off, "controlled mode saw no operation of package sched") ||
		!strings.Contains(off, "turned off") || strings.Contains(off, reran) {
		t.Errorf("with STRESS_REEXEC=0, TestLossy did not fail for want of instrumentation:\n%s", off)
	}
}

// reexecTestEnv returns this process's environment without what would
// make the go test it runs a child or an interleave test run, or set its
// knobs, and with an instrumentation cache and a temporary directory (for
// the instrumented binary, reports and replay files) of its own.
func reexecTestEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == childEnv || name == testCommandEnv || name == "INTERLEAVE_CACHE" || name == "TMPDIR" || strings.HasPrefix(name, "STRESS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "INTERLEAVE_CACHE="+t.TempDir(), "TMPDIR="+t.TempDir())
}

// goTest runs go test and returns its combined output; a failing test is
// not an error here.
func goTest(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := osexec.Command("go", append([]string{"test"}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*osexec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return string(out)
}

// testOutput returns the part of go test -v output from test's "=== RUN"
// line to its verdict line and its subtests' after it.
func testOutput(out, test string) string {
	_, rest, ok := strings.Cut(out, "=== RUN   "+test+"\n")
	if !ok {
		return ""
	}
	re := regexp.MustCompile(`(?m)^--- (PASS|FAIL|SKIP): ` + regexp.QuoteMeta(test) + ` .*\n(?:\s+--- .*\n)*`)
	if loc := re.FindStringIndex(rest); loc != nil {
		return rest[:loc[1]]
	}
	return rest
}

// TestInterleaveNotes: of what interleave test writes, a re-run relays
// what it left outside the scheduler, not its count of rewritten files
// nor the go command's output.
func TestInterleaveNotes(t *testing.T) {
	out := "interleave test: 2 operations are not instrumented and run outside the scheduler:\n" +
		"\tq.go:3:4: sync.Pool [blocks]\n\tq.go:9:2: reflect.Select\n" +
		"interleave test: not instrumented, left to stress mode, since they may block where the scheduler cannot see yet ([blocks] above): example.com/q\n" +
		"interleave test: 1 files of 2 packages instrumented (rewritten) in 5ms\n" +
		"\tnot a note\n# example.com/q\n"
	got := interleaveNotes(out)
	want := strings.Split(out, "\n")[:4]
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q, want %q", got, want)
	}
}
