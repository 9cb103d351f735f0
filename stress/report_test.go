package stress_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/stress"
)

// TestReportChild fails on purpose when TestReportOutput runs it in a
// child process; on its own it is skipped.
func TestReportChild(t *testing.T) {
	if os.Getenv("INTERLEAVE_REPORT_CHILD") == "" {
		t.Skip("run by TestReportOutput in a child process")
	}
	stress.Test(t, counterSpec(true), stress.WithMode(stress.Controlled), stress.WithSeed(5))
}

// child runs this test binary's TestReportChild with args and returns its
// output with the test framework's indentation and file:line prefixes
// removed.
func child(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestReportChild$", "-test.v", "-test.count=1"}, args...)...)
	cmd.Env = append(os.Environ(), "INTERLEAVE_REPORT_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test passed; it must fail:\n%s", out)
	}
	prefix := regexp.MustCompile(`^\s*(\w+\.go:\d+: )?`)
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		lines[i] = prefix.ReplaceAllString(l, "")
	}
	return strings.Join(lines, "\n")
}

// TestReportOutput checks the failure report a user sees, as printed by a
// failing test, and that the replay command it prints replays the same
// interleaving.
func TestReportOutput(t *testing.T) {
	dir := t.TempDir()
	out := child(t, "-stress.artifacts="+dir)
	for _, pattern := range []string{
		`(?m)^interleave: linearizability violation in TestReportChild$`,
		`(?m)^no order of these operations that respects when each was called and returned is a legal run of the sequential model$`,
		`(?m)^minimal scenario \(2 threads, 2 operations\):$`,
		`(?m)^thread 1: Add\(1\)$`,
		`(?m)^thread 2: Add\(1\)$`,
		`(?m)^interleaving \(controlled, 1 context switch\):$`,
		`(?m)^step  thread 1 +thread 2$`,
		`(?m)^\d+ +Load c\.v = 0  run:\d+$`,
		`(?m)^\d+ +Store c\.v 0→1  run:\d+$`,
		`(?m)^\d+ +Store c\.v 1→1  run:\d+$`,
		`(?m)^-+ context switch$`,
		`(?m)^history:$`,
		`(?m)^thread \d +\[\d+, \d+\] +Add\(1\) -> 1$`,
		`(?m)^visualization: \S+\.html$`,
		`(?m)^report: +\S+\.txt$`,
		`(?m)^replay: +go test (-\S+ )*github\.com/interleave-go/interleave/stress -run '\^TestReportChild\$' -v -stress\.replay=\S+\.replay$`,
		`(?m)^found after \d+ executions? in \S+ \(seed 5, controlled mode\)$`,
		`(?m)^--- FAIL: TestReportChild`,
	} {
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("output does not match %s", pattern)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", out)
	}

	replay := regexp.MustCompile(`(?m)^replay: +go test .* -run '\^TestReportChild\$' -v (-stress\.replay=\S+)$`).FindStringSubmatch(out)[1]
	again := child(t, replay)
	if table(again) != table(out) {
		t.Fatalf("the replay command did not replay the interleaving:\nfirst:\n%s\nreplayed:\n%s", table(out), table(again))
	}
}

// table returns the interleaving table of a report.
func table(out string) string {
	start := strings.Index(out, "interleaving (")
	end := strings.Index(out, "history:")
	if start < 0 || end < start {
		return ""
	}
	return out[start:end]
}

// TestSubMillisecondTimes: a failure found in under a millisecond says how
// long it took, not 0s.
func TestSubMillisecondTimes(t *testing.T) {
	f := &stress.Failure{Kind: stress.Panic, Executions: 1, Elapsed: 347123 * time.Nanosecond, FoundBy: stress.Stress}
	if want := "found after 1 execution in 347µs "; !strings.Contains(f.Report(), want) {
		t.Fatalf("report does not say %q:\n%s", want, f.Report())
	}
}

// TestArtifactsDoNotPileUp: the artifacts directory keeps the newest few
// failures of each test, and leaves other tests' files alone.
func TestArtifactsDoNotPileUp(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "TestOther-20200101-000000.000000.txt")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var last *stress.Failure
	for seed := uint64(1); seed <= 6; seed++ {
		res, err := stress.Run(t, counterSpec(true), stress.WithMode(stress.Controlled), stress.WithSeed(seed), stress.WithArtifacts(dir))
		if err != nil || res.Failure == nil {
			t.Fatalf("want the lost update, got %v, %v", res.Failure, err)
		}
		last = res.Failure
	}
	reports, _ := filepath.Glob(filepath.Join(dir, "TestArtifactsDoNotPileUp-*.txt"))
	replays, _ := filepath.Glob(filepath.Join(dir, "TestArtifactsDoNotPileUp-*.replay"))
	if len(reports) != 3 || len(replays) != 3 {
		t.Fatalf("after 6 failures, %d reports and %d replay files are left, want the newest 3 of each", len(reports), len(replays))
	}
	for _, path := range []string{other, last.ReportFile, last.ReplayFile, last.Visualization} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s is gone: %v", path, err)
		}
	}
	if !strings.Contains(last.Report(), "artifacts:     "+dir) {
		t.Errorf("the report does not say where the artifacts are:\n%s", last.Report())
	}
}
