package stress

import (
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/internal/race"
)

// TestBuildFlags: a replay command carries the build flags that change
// what the binary does, quoted for the shell, and nothing else.
func TestBuildFlags(t *testing.T) {
	got := buildFlags([]debug.BuildSetting{
		{Key: "-buildmode", Value: "exe"}, {Key: "-compiler", Value: "gc"},
		{Key: "-race", Value: "true"}, {Key: "-tags", Value: "foo,bar"},
		{Key: "-gcflags", Value: "all=-N -l"}, {Key: "-trimpath", Value: "false"},
		{Key: "CGO_ENABLED", Value: "1"}, {Key: "GOARCH", Value: "amd64"},
	}, shellQuote)
	want := []string{"-race", "-tags=foo,bar", "-gcflags='all=-N -l'"}
	if !slices.Equal(got, want) {
		t.Fatalf("build flags %q, want %q", got, want)
	}
}

// TestGoTestArgs: this binary's own replay arguments name the package by
// import path, which works from anywhere in the module, and say -race
// exactly when the binary has the race detector.
func TestGoTestArgs(t *testing.T) {
	args := strings.Fields(goTestArgs())
	if len(args) == 0 || args[len(args)-1] != "github.com/interleave-go/interleave/stress" {
		t.Fatalf("go test arguments %q do not end with the package's import path", args)
	}
	if slices.Contains(args, "-race") != race.Enabled {
		t.Fatalf("go test arguments %q, race detector on: %v", args, race.Enabled)
	}
}

// TestHangBudget: a hang's minimization adds at most half the execution
// timeout to its report at the default settings (2.5 s after 5 s, so the
// report comes within 10 s): the candidates that may hang, each under its
// short watchdog, plus the scheduler's bounded wait for the other threads
// to unwind (at most as long again). Candidates that do not hang end in
// microseconds.
func TestHangBudget(t *testing.T) {
	timeout := defaults().hangTimeout
	if worst := hangCandidates * 2 * hangProbe(timeout); worst > timeout/2 {
		t.Fatalf("a hang's minimization may take %v after a %v timeout, want at most %v", worst, timeout, timeout/2)
	}
	if timeout*11/10+timeout/2 > 10*time.Second {
		t.Fatalf("a hang may be reported %v after the start, want at most 10s", timeout*11/10+timeout/2)
	}
	if p := hangProbe(300 * time.Millisecond); p != hangProbeMin {
		t.Fatalf("hangProbe(300ms) = %v, want the floor %v", p, hangProbeMin)
	}
}
