package specs

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"sync/atomic"

	"golang.org/x/time/rate"
)

const schedPath = "github.com/interleave-go/interleave/sched"

// Instrumented reports whether this binary was built with the subjects
// instrumented, by interleave test or the main job: this file is
// instrumented with them, and the rewrite turns its atomic.Int64 into
// package sched's.
func Instrumented() bool {
	return reflect.TypeFor[atomic.Int64]().PkgPath() == schedPath
}

// RateInstrumented reports whether golang.org/x/time/rate is instrumented
// too, as interleave test -interleave.rewrite=golang.org/x/time/rate and
// the main job build it: its mutex is then package sched's.
func RateInstrumented() bool {
	f, ok := reflect.TypeFor[rate.Limiter]().FieldByName("mu")
	return ok && f.Type.PkgPath() == schedPath
}

// ErrRateNotInstrumented is what a controlled run of a limiter on
// x/time/rate returns when x/time/rate is not instrumented (interleave
// test, and so plain go test's re-run, cannot overlay the module cache;
// the main job can): the run would mix its real clock, and timers the
// scheduler does not see, with the virtual one, and report nonsense.
var ErrRateNotInstrumented = errors.New("specs: the limiter is instrumented but golang.org/x/time/rate is not: its clock and timers would be real while the test's are virtual; run interleave test -interleave.rewrite=golang.org/x/time/rate (INTERLEAVE_REWRITE=golang.org/x/time/rate)")

// BuildInstrumented builds the test binary of the package in the current
// directory with interleave test -c, into dir, and returns its path: for
// tests that need an instrumented build to run (exhaustive search, inputs
// holding controlled schedules) when plain go test runs them.
func BuildInstrumented(dir string) (string, error) {
	bin := filepath.Join(dir, "pkg.test")
	out, err := exec.Command("go", "run", "github.com/interleave-go/interleave/cmd/interleave", "test", "-vet=off", "-c", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the test binary instrumented: %v\n%s", err, out)
	}
	return bin, nil
}
