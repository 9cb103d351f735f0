package sched_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestFastPathsInline checks rule R12 of protocol.go: outside controlled
// runs the atomics' operations and their function forms cost one atomic
// load more than the originals because the compiler inlines them into
// the caller; a change that pushes one over the inliner's budget is
// caught here, not in a benchmark nobody reads. It compiles the package
// with -gcflags=-m, so it is skipped under -short.
func TestFastPathsInline(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package: skipped under -short")
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goCmd, "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	inlinable := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m): can inline (\S+)`).FindAllStringSubmatch(string(out), -1) {
		inlinable[m[1]] = true
	}
	var want []string
	for _, typ := range []string{"Int32", "Int64", "Uint32", "Uint64", "Uintptr"} {
		for _, op := range []string{"Load", "Store", "Add", "Swap", "And", "Or"} {
			want = append(want, "(*"+typ+")."+op, op+typ)
		}
	}
	want = append(want, "(*Bool).Load", "LoadPointer", "(*Cond).Signal", "(*Cond).Broadcast")
	var missing []string
	for _, f := range want {
		if !inlinable[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		t.Errorf("these fast paths no longer inline (see go build -gcflags=-m ./sched):\n  %s", strings.Join(missing, "\n  "))
	}
}
