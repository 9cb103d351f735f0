package stress

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/internal/race"
)

// A search in stress or auto mode runs in a child process: the test
// binary, run again for just the calling test, with childEnv naming a
// task file. Inside it, Run runs the search as it would in the test's own
// process, writes its result to a file and skips the rest of the test.
// A panic in a goroutine the type under test started, a fatal error of
// the runtime ("concurrent map writes") or, under -race, a data race
// (the child runs with GORACE halt_on_error=1) ends the child instead of
// the test binary; the parent turns the crash into a failure. Before each
// scenario the child writes to a journal where it is, so the parent knows
// which scenario crashed: for a scenario drawn by the search, the rapid
// seed of its batch and its place in the batch, from which the parent
// draws it again (without running it), minimizes it by running smaller
// selections of it in children of their own, and writes a replay file.
//
// Calls of Run made earlier in the same test (the child runs the test
// from its start) return what they returned in the parent.

// childEnv names the environment variable that holds a child's task file.
const childEnv = "INTERLEAVE_CHILD"

// Markers around the child's output for the call it runs.
const (
	childBegin = "--- interleave child: begin"
	childEnd   = "--- interleave child: end"
)

// childTask is what the parent asks a child to do.
type childTask struct {
	// Test and Call name the call of Run to run: the Call-th in Test.
	Test string `json:"test"`
	Call int    `json:"call"`
	// Prev holds, by test name, what the earlier calls returned.
	Prev map[string][]callResult `json:"prev"`
	// Dir is where the child writes its result and its journal.
	Dir string `json:"dir"`
}

// callResult is what one call of Run returned.
type callResult struct {
	Result Summary `json:"result"`
	Err    string  `json:"err,omitempty"`
	// Skip is the message the call skipped its test with.
	Skip string `json:"skip,omitempty"`
	// WholeOps is the Failure's unexported wholeOps.
	WholeOps bool `json:"wholeOps,omitempty"`
	// Is names the exported error Err wraps, so that errors.Is still
	// matches it in the parent.
	Is string `json:"is,omitempty"`
}

// sentinels are the errors a caller may match, by name.
var sentinels = map[string]error{"ErrNothingRan": ErrNothingRan, "ErrNotInstrumented": ErrNotInstrumented, "ErrDiverged": ErrDiverged}

// childError is an error that came from a child process.
type childError struct {
	msg string
	is  error
}

func (e *childError) Error() string { return e.msg }
func (e *childError) Unwrap() error { return e.is }

// newCallResult keeps what a call of Run returned.
func newCallResult(res Summary, err error) callResult {
	c := callResult{Result: res}
	if err != nil {
		c.Err = err.Error()
		for name, s := range sentinels {
			if errors.Is(err, s) {
				c.Is = name
			}
		}
	}
	if res.Failure != nil {
		c.WholeOps = res.Failure.wholeOps
	}
	return c
}

func (c callResult) get() (Summary, error) {
	if c.Result.Failure != nil {
		c.Result.Failure.wholeOps = c.WholeOps
	}
	if c.Err != "" {
		return c.Result, &childError{msg: c.Err, is: sentinels[c.Is]}
	}
	return c.Result, nil
}

// calls holds, by test name, what each call of Run in a running test
// returned, so that a child can replay them.
var calls = struct {
	sync.Mutex
	byTest map[string][]callResult
}{byTest: map[string][]callResult{}}

// enterCall numbers a call of Run in t, from 1.
func enterCall(t testing.TB) int {
	calls.Lock()
	defer calls.Unlock()
	name := t.Name()
	if _, ok := calls.byTest[name]; !ok {
		t.Cleanup(func() {
			calls.Lock()
			delete(calls.byTest, name)
			calls.Unlock()
		})
	}
	calls.byTest[name] = append(calls.byTest[name], callResult{})
	return len(calls.byTest[name])
}

// leaveCall keeps what call index of t returned.
func leaveCall(t testing.TB, index int, res Summary, err error) {
	calls.Lock()
	defer calls.Unlock()
	if rs := calls.byTest[t.Name()]; index <= len(rs) {
		rs[index-1] = newCallResult(res, err)
	}
}

// earlierCalls returns what the calls before call index of test name,
// and those of the tests it is a subtest of, returned.
func earlierCalls(name string, index int) map[string][]callResult {
	calls.Lock()
	defer calls.Unlock()
	prev := map[string][]callResult{}
	for n, rs := range calls.byTest {
		switch {
		case n == name:
			prev[n] = append([]callResult(nil), rs[:index-1]...)
		case strings.HasPrefix(name, n+"/"):
			prev[n] = append([]callResult(nil), rs...)
		}
	}
	return prev
}

// The task of this process, if it is a child: read once, and removed
// from the environment so that processes it starts are not children.
var (
	taskOnce sync.Once
	task     *childTask
)

func childTaskOf() *childTask {
	taskOnce.Do(func() {
		path, ok := os.LookupEnv(childEnv)
		if !ok {
			return
		}
		_ = os.Unsetenv(childEnv)
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		var c childTask
		if json.Unmarshal(data, &c) == nil {
			task = &c
		}
	})
	return task
}

// useChild reports whether this call of Run searches in a child process:
// in a test (not a benchmark or fuzz target), in stress or auto mode,
// unless the user said not to. A replay file of another test is left to
// Run, which skips the test.
func (r *runner[T, I, O]) useChild() bool {
	_, ok := r.t.(*testing.T)
	if !ok || !r.cfg.subprocess || r.cfg.mode == Controlled || r.fuzzing ||
		!testing.Testing() || flag.Lookup("test.run") == nil || childTaskOf() != nil {
		return false
	}
	if r.cfg.replay != "" {
		rf, err := readReplay(r.cfg.replay)
		return err == nil && rf.Test == r.t.Name()
	}
	return true
}

// dispatch runs call index of Run: in this process, in a child, or, in a
// child, as the parent's earlier result.
func (r *runner[T, I, O]) dispatch(index int, inProcess func() (Summary, error)) (Summary, error) {
	if c := childTaskOf(); c != nil {
		name := r.t.Name()
		if name == c.Test && index == c.Call {
			r.runAsChild(c, inProcess)
		}
		if prev := c.Prev[name]; index <= len(prev) {
			return prev[index-1].get()
		}
		if name != c.Test && !strings.HasPrefix(c.Test, name+"/") {
			// Another test the -run pattern let through: not ours.
			r.t.SkipNow()
		}
		return inProcess()
	}
	if r.useChild() {
		if res, err, ok := r.runChild(index); ok {
			return res, err
		}
	}
	return inProcess()
}

// runAsChild runs the call a parent asked for, writes what it returned
// and ends the test (skipped: the parent reports).
func (r *runner[T, I, O]) runAsChild(c *childTask, inProcess func() (Summary, error)) {
	if j, err := openJournal(filepath.Join(c.Dir, "journal")); err == nil {
		r.journal = j
	}
	fmt.Println(childBegin)
	write := func(out callResult) {
		data, _ := json.Marshal(out)
		_ = os.WriteFile(filepath.Join(c.Dir, "result.json"), data, 0o644)
		fmt.Println(childEnd)
	}
	returned := false
	defer func() {
		if !returned && r.skipMsg != "" {
			// inProcess skipped the test (runtime.Goexit): the parent
			// skips it with the same message.
			write(callResult{Skip: r.skipMsg})
		}
	}()
	res, err := inProcess()
	returned = true
	write(newCallResult(res, err))
	r.t.SkipNow()
}

// skipf skips the test, saying why; in a child, the parent skips it too.
func (r *runner[T, I, O]) skipf(format string, args ...any) {
	r.skipMsg = fmt.Sprintf(format, args...)
	if childTaskOf() != nil {
		r.t.SkipNow() // the parent says why, once
	}
	r.t.Skip(r.skipMsg)
}

// childRun is how a child ended.
type childRun struct {
	res     *callResult    // it returned
	journal *journalRecord // where it was
	kind    Kind           // or it crashed: a Panic or a DataRace
	detail  string
	err     error // or it ended in a way that says nothing of the type
}

// executions returns the executions the child ran, the crashing one
// included (the count inside the crashing scenario is not known).
func (c childRun) executions() (execs, scenarios int) {
	switch {
	case c.res != nil:
		return c.res.Result.Executions, c.res.Result.Scenarios
	case c.journal != nil:
		return c.journal.Total + 1, c.journal.Scenarios + 1
	}
	return 1, 0
}

// noPassFlags are the test flags a child does not inherit: the parent
// chooses what runs and how it prints, and the files are the parent's.
var noPassFlags = map[string]bool{
	"test.run": true, "test.skip": true, "test.count": true, "test.shuffle": true, "test.list": true,
	"test.v": true, "test.cpu": true, "test.failfast": true, "test.paniconexit0": true, "test.fullpath": true,
	"test.bench": true, "test.fuzz": true, "test.fuzzcachedir": true, "test.fuzzworker": true,
	"test.cpuprofile": true, "test.memprofile": true, "test.blockprofile": true, "test.mutexprofile": true,
	"test.trace": true, "test.coverprofile": true, "test.outputdir": true, "test.testlogfile": true,
	"test.artifacts": true, "stress.seed": true, "stress.artifacts": true,
}

// childFlags returns the flags a child of this test runs with, but the
// ones that choose the test and how it prints: the flags set on this
// process's command line that a child inherits, then this search's
// processors, seed and artifacts directory.
func (r *runner[T, I, O]) childFlags() []string {
	var args []string
	flag.Visit(func(f *flag.Flag) {
		if !noPassFlags[f.Name] {
			args = append(args, "-"+f.Name+"="+f.Value.String())
		}
	})
	return append(args, "-test.cpu="+strconv.Itoa(runtime.GOMAXPROCS(0)),
		"-stress.seed="+strconv.FormatUint(r.cfg.seed, 10), "-stress.artifacts="+r.cfg.artifacts)
}

// runChild runs call index in a child and turns a crash into a failure.
// ok is false if no child could be started.
func (r *runner[T, I, O]) runChild(index int) (res Summary, err error, ok bool) {
	dir, err := os.MkdirTemp("", "interleave-child-")
	if err != nil {
		return Summary{}, nil, false
	}
	defer os.RemoveAll(dir)
	prev := earlierCalls(r.t.Name(), index)
	c := r.startChild(dir, index, prev, nil)
	if c.err != nil && errors.Is(c.err, errNoChild) {
		r.t.Logf("stress: searching in this process: %v", c.err)
		return Summary{}, nil, false
	}
	switch {
	case c.res != nil && c.res.Skip != "":
		r.t.Skip(c.res.Skip)
	case c.res != nil:
		res, err := c.res.get()
		return res, err, true
	case c.err != nil:
		execs, scenarios := c.executions()
		return Summary{Executions: execs, Scenarios: scenarios, Elapsed: time.Since(r.began), Seed: r.cfg.seed}, c.err, true
	}
	f := r.crashed(c, dir, index, prev)
	return Summary{Failure: f, Executions: r.total, Scenarios: r.scenarios, Elapsed: time.Since(r.began), Seed: r.cfg.seed}, r.err, true
}

var errNoChild = errors.New("stress: could not start a child process")

// startChild runs the test binary (this one, or r.bin) for call index of
// this test, with extra flags, in a fresh directory under dir.
func (r *runner[T, I, O]) startChild(dir string, index int, prev map[string][]callResult, extra []string) childRun {
	sub, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return childRun{err: fmt.Errorf("%w: %w", errNoChild, err)}
	}
	taskPath := filepath.Join(sub, "task.json")
	data, err := json.Marshal(childTask{Test: r.t.Name(), Call: index, Prev: prev, Dir: sub})
	if err == nil {
		err = os.WriteFile(taskPath, data, 0o644)
	}
	if err != nil {
		return childRun{err: fmt.Errorf("%w: %w", errNoChild, err)}
	}
	args := append(r.childFlags(), "-test.run="+runPattern(r.t.Name()), "-test.count=1", "-test.v=true")
	args = append(args, extra...)
	bin, env := os.Args[0], os.Environ()
	if r.bin != nil {
		bin, env = r.bin.path, append(env, r.bin.env...)
	}
	cmd := osexec.Command(bin, args...)
	// The child's temporary files (t.TempDir, os.MkdirTemp) go under sub,
	// which this process removes: a child that crashes cannot clean up.
	tmp := filepath.Join(sub, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return childRun{err: fmt.Errorf("%w: %w", errNoChild, err)}
	}
	cmd.Env = append(env, childEnv+"="+taskPath, "TMPDIR="+tmp)
	if race.Enabled {
		// Stop at the first race, with its report in a file of its own
		// (the race runtime adds the process id to the path), and do not
		// wait the second the race runtime waits by default at exit. The
		// user's options come in between: theirs win over the wait,
		// ours over where the report goes and whether to stop.
		cmd.Env = append(cmd.Env, "GORACE="+strings.Join(strings.Fields("atexit_sleep_ms=0 "+os.Getenv("GORACE")+" log_path="+filepath.Join(sub, "race")+" halt_on_error=1"), " "))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if cmd.Process == nil {
		return childRun{err: fmt.Errorf("%w: %w", errNoChild, runErr)}
	}
	if extra == nil {
		r.relay(stdout.String())
	}
	c := childRun{journal: readJournal(filepath.Join(sub, "journal"))}
	if data, err := os.ReadFile(filepath.Join(sub, "result.json")); err == nil {
		var res callResult
		if err := json.Unmarshal(data, &res); err == nil {
			c.res = &res
			return c
		}
	}
	if report, err := os.ReadFile(filepath.Join(sub, "race."+strconv.Itoa(cmd.Process.Pid))); err == nil && len(report) > 0 {
		c.kind, c.detail = DataRace, strings.TrimSpace(string(report))
		return c
	}
	out := stderr.String()
	if crash := crashText(out); crash != "" && !strings.HasPrefix(crash, "panic: test timed out") {
		c.kind, c.detail = Panic, crash
		return c
	}
	tail := strings.TrimSpace(stdout.String() + "\n" + out)
	if len(tail) > 4000 {
		tail = "…" + tail[len(tail)-4000:]
	}
	c.err = fmt.Errorf("stress: the child process that ran the search ended without a result (%v):\n%s", runErr, tail)
	return c
}
