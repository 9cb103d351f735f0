package examples

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// instrumentable lists the examples that interleave test runs under
// controlled scheduling: all of them (firstwins's ctx.Done() becomes
// sched.Done(ctx)).
var instrumentable = []string{"./hits", "./intern", "./inventory", "./stats", "./lazyconn", "./logbuf", "./firstwins"}

// caught is the number of Caught tests in those packages: one bug each,
// two in inventory.
const caught = 8

// TestControlled runs every bug's Caught test under interleave test: each
// must be caught in controlled mode, which plain go test cannot promise
// for races a few instructions wide (there a miss skips the test).
func TestControlled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the examples instrumented: several seconds")
	}
	args := append([]string{"run", "../cmd/interleave", "test", "-count=1", "-v", "-run", "Caught$"}, instrumentable...)
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("interleave test: %v\n%s", err, out)
	}
	found := regexp.MustCompile(`(?m)^\s+\w+_test\.go:\d+: .* found after \d+ executions; .* controlled mode$`).FindAllString(string(out), -1)
	if len(found) != caught || strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("want each of the %d bugs caught in controlled mode, got %d:\n%s", caught, len(found), out)
	}
	for _, f := range found {
		t.Log(strings.TrimSpace(f))
	}
}
