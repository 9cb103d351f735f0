package stress

import (
	"errors"
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Controlled mode needs the code under test on package sched. Code
// written on plain sync/atomic, sync and channels gets there when
// interleave test builds the test binary with its rewrite; under plain
// go test it does not, and controlled mode sees no operation of sched.
// Then, when a test asks for controlled mode (WithMode(Controlled) or
// -stress.mode=controlled), this call of Run runs in a child process as
// stress mode's searches do (child.go), but the child is this package's
// test binary built by interleave test: it runs the test from its start,
// the calls of Run before this one return there what they returned here,
// this one searches in controlled mode and writes its result, which Run
// returns here as its own; a crash there is a failure here. The
// instrumented binary is built once per test process (go's build cache
// and interleave test's cache make a build after the first one quick),
// kept in a directory named after this process, and removed by the next
// build of a later process. Auto mode does not re-run: it is the default,
// and it tests such code in stress mode.
//
// No re-run, and the search runs here as it always did, when this binary
// was built by interleave test (testCommandEnv: it is as instrumented as
// it gets), in a child process (its parent decided), if the user said
// not to (WithReexec(false), -stress.reexec=false, STRESS_REEXEC=0), or
// if the go command cannot be found or cannot build the binary; the
// ErrNotInstrumented error then says how to run interleave test.

// interleaveTest runs cmd/interleave's test subcommand from any
// directory of a module that requires interleave (with its tool line in
// go.mod, go mod tidy puts what it needs in go.sum).
var interleaveTest = []string{"run", "github.com/interleave-go/interleave/cmd/interleave", "test"}

// startDir is the directory the test binary started in, its package's
// (go test runs it there), kept before a test changes directory.
var startDir, _ = os.Getwd()

// testBinary is a test binary that children may run instead of this one.
type testBinary struct {
	path string
	env  []string // added to the child's environment
	// command replaces "go test" in the replay commands of its failures.
	command string
}

// testCommand returns what replaces "go test" in replay commands: the
// interleave test command when this binary, or the one this call's
// children run, was built by it; else "".
func (r *runner[T, I, O]) testCommand() string {
	if r.bin != nil {
		return r.bin.command
	}
	return os.Getenv(testCommandEnv)
}

// reexec runs call index of Run: in this package's test binary built by
// interleave test if controlled mode needs it and can have it, else as
// dispatch does. opts are Run's options, for the probe.
func (r *runner[T, I, O]) reexec(index int, opts []Option, inProcess func() (Summary, error)) (Summary, error) {
	if !r.mayReexec() {
		return r.dispatch(index, inProcess)
	}
	why := "re-running the test instrumented is turned off (WithReexec(false), -stress.reexec=false or STRESS_REEXEC=0)"
	if r.cfg.reexec {
		if r.probeInstrumented(opts) {
			return r.dispatch(index, inProcess)
		}
		var bin *testBinary
		if bin, why = instrumentedBinary(r.t); bin != nil {
			r.t.Logf("stress: the code does not use package sched: controlled mode runs in this package's test binary built by interleave test")
			// A report made here, of a crash there, is of the
			// instrumented code's operations.
			r.bin, r.sawEvents = bin, true
			res, err, ok := r.runChild(index)
			if ok {
				return res, err
			}
			r.bin, r.sawEvents = nil, false
			why = "the test binary built by interleave test did not start"
		}
	}
	res, err := r.dispatch(index, inProcess)
	if errors.Is(err, ErrNotInstrumented) {
		err = fmt.Errorf("%w\n%s; to run this test instrumented: %s %s -run '%s'", err, why,
			"go "+strings.Join(interleaveTest, " "), goTestArgs(), runPattern(r.t.Name()))
	}
	return res, err
}

// mayReexec reports whether this call of Run is one a re-run could
// serve: controlled mode, in a test of a test binary that interleave
// test did not build, not in a child process.
func (r *runner[T, I, O]) mayReexec() bool {
	_, ok := r.t.(*testing.T)
	return ok && r.cfg.mode == Controlled && !r.fuzzing && testing.Testing() && flag.Lookup("test.run") != nil &&
		os.Getenv(testCommandEnv) == "" && childTaskOf() == nil
}

// probeInstrumented runs the instrumentation probe, one execution under
// the scheduler, in a runner of its own (so this one's search starts
// afresh), and reports whether the search may run here: it saw an
// operation of package sched, or it failed in a way the rewrite would not
// change (the spec's New panicked, say), or it could not run; the search
// reports those. Code that is not on sched runs each operation whole
// there: an operation that waits for another thread hangs the probe,
// which then stops at a watchdog of a second at most, leaving the
// goroutine behind.
func (r *runner[T, I, O]) probeInstrumented(opts []Option) bool {
	p, err := newRunner(r.t, r.spec, opts)
	if err != nil {
		return true
	}
	p.cfg = r.cfg
	p.cfg.hangTimeout = min(p.cfg.hangTimeout, time.Second)
	instrumented, failed := p.instrumented()
	// A FakeTime spec's failure on code not on sched is no verdict: its
	// time was real there, where the rewrite makes it virtual.
	return instrumented || p.err != nil || failed != nil && failed.o.kind != Hang && !r.spec.FakeTime
}

// The instrumented test binary of this process, built once.
var built struct {
	sync.Mutex
	done bool
	bin  *testBinary
	why  string // why there is none
}

// reexecDir is the prefix of the directories the instrumented binaries
// are kept in; the process id follows.
const reexecDir = "interleave-reexec-"

// instrumentedBinary returns this package's test binary built by
// interleave test with this binary's build flags, building it on the
// first call, or why there is none. The first call logs the build.
func instrumentedBinary(t testing.TB) (*testBinary, string) {
	built.Lock()
	defer built.Unlock()
	if !built.done {
		built.done = true
		built.bin, built.why = buildInstrumented(t)
	}
	return built.bin, built.why
}

func buildInstrumented(t testing.TB) (*testBinary, string) {
	goCmd, err := goCommand()
	if err != nil {
		return nil, "the go command is not at hand to build the test instrumented: " + err.Error()
	}
	removeStale()
	dir := filepath.Join(os.TempDir(), reexecDir+strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "could not build the test instrumented: " + err.Error()
	}
	path := filepath.Join(dir, "pkg.test")
	if runtime.GOOS == "windows" {
		path += ".exe"
	}
	args := append([]string(nil), interleaveTest...)
	args = append(args, "-vet=off", "-c", "-o", path)
	if bi, ok := debug.ReadBuildInfo(); ok {
		args = append(args, buildFlags(bi.Settings, func(v string) string { return v })...)
	}
	args = append(args, ".")
	shown := "go " + strings.Join(args, " ")
	cmd := osexec.Command(goCmd, args...)
	cmd.Dir = startDir
	began := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		text := strings.TrimSpace(string(out))
		if len(text) > 4000 {
			text = "…" + text[len(text)-4000:]
		}
		return nil, fmt.Sprintf("building the test instrumented failed (%s: %v; in a module of your own, add the line `tool github.com/interleave-go/interleave/cmd/interleave` to go.mod and run go mod tidy):\n%s", shown, err, text)
	}
	t.Logf("stress: built this package's test binary instrumented by interleave test, for the tests that ask for controlled mode on code not on package sched (%s, %v)", shown, time.Since(began).Round(time.Millisecond))
	for _, line := range interleaveNotes(string(out)) {
		t.Log(line)
	}
	replay := "go " + strings.Join(interleaveTest, " ")
	if rw := os.Getenv("INTERLEAVE_REWRITE"); rw != "" {
		replay += " -interleave.rewrite=" + rw
	}
	return &testBinary{path: path, env: []string{testCommandEnv + "=" + replay}, command: replay}, ""
}

// goCommand returns the path of the go command: go test puts its own
// GOROOT/bin first on the test binary's PATH.
func goCommand() (string, error) {
	path, err := osexec.LookPath("go")
	if err == nil {
		return path, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", err
}

// removeStale removes the instrumented binaries of processes that have
// ended (alive says which have).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), reexecDir+"*"))
	for _, dir := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), reexecDir))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if !alive(pid) {
			os.RemoveAll(dir)
		}
	}
}

// interleaveNotes returns the lines interleave test wrote about what it
// did not instrument.
func interleaveNotes(output string) []string {
	var out []string
	notes := false
	for _, line := range strings.Split(output, "\n") {
		switch {
		case strings.HasPrefix(line, "interleave test: ") && !strings.Contains(line, " instrumented ("):
			notes = true
			out = append(out, line)
		case notes && strings.HasPrefix(line, "\t"):
			out = append(out, line)
		default:
			notes = false
		}
	}
	return out
}
