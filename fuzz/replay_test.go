package fuzz_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/subjects/specs"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	binOnce        sync.Once
	binDir, binary string
	binErr         error
)

// instrumented returns this package's test binary built with the
// subjects instrumented, as interleave test builds it: this binary if it
// is one, or one built with interleave test -c once per run (plain go
// test cannot instrument the code, and the mutants' inputs hold
// controlled schedules, which only an instrumented build follows).
func instrumented(t *testing.T) string {
	t.Helper()
	if specs.Instrumented() {
		return os.Args[0]
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "interleave-fuzz-"); binErr != nil {
			return
		}
		binary, binErr = specs.BuildInstrumented(binDir)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binary
}

// TestCrashersReplay replays every input in testdata/mutants (inputs the
// fuzzer wrote when it found a mutant's bug, named "Variant-hash") against
// its mutant, in a child process as interleave test would run it (an
// instrumented build: the inputs hold controlled schedules): each must
// still fail, with the mutant's kind of failure, and write its report
// once.
// FuzzCounter and the others run the same inputs against the correct
// variants, which must pass them.
func TestCrashersReplay(t *testing.T) {
	inputs, err := mutantInputs("")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		e, err := entry(subjectOf(in.target), in.variant)
		if err != nil || !e.Mutant() {
			t.Errorf("%s is not named after a mutant of its target", in.path)
			continue
		}
		n++
		t.Run(in.target+"/"+filepath.Base(in.path), func(t *testing.T) {
			out, files := replayChild(t, in, false)
			if want := "interleave: " + e.Want.String(); !strings.Contains(out, want) {
				t.Fatalf("want %q in the output:\n%s", want, out)
			}
			if !hasSuffix(files, ".txt") {
				t.Errorf("the replay wrote no report file (artifacts: %v)", files)
			}
		})
	}
	if n == 0 {
		t.Fatal("no inputs in " + mutantDir)
	}
}

// TestFuzzWorkerWritesNoFiles replays a mutant's input as the fuzzer's
// worker process runs it, which it does for every candidate while it
// minimizes a failing input: the failure must be reported in full, with
// no files written.
func TestFuzzWorkerWritesNoFiles(t *testing.T) {
	inputs, err := mutantInputs("FuzzCounter")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no counter input in %s: %v", mutantDir, err)
	}
	in := inputs[0]
	out, files := replayChild(t, in, true)
	for _, want := range []string{"interleave: ", "minimal scenario", "interleaving (controlled", "history:"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in the report:\n%s", want, out)
		}
	}
	if len(files) != 0 {
		t.Errorf("a worker wrote artifacts: %v", files)
	}
}

// replayChild runs in's input against its variant with TestReplayInput,
// in a child process of the instrumented build with its own artifacts
// directory, and returns the output and the files written there. The
// input must fail.
func replayChild(t *testing.T, in mutantInput, worker bool) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(instrumented(t), "-test.run=^TestReplayInput$", "-test.count=1")
	cmd.Env = append(os.Environ(), "INTERLEAVE_VARIANT="+in.variant, "INTERLEAVE_INPUT="+in.path, "INTERLEAVE_TARGET="+in.target, "STRESS_ARTIFACTS="+dir)
	if worker {
		cmd.Env = append(cmd.Env, "INTERLEAVE_AS_WORKER=1")
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the input no longer fails against %s:\n%s", in.variant, out)
	}
	if !strings.Contains(string(out), "--- FAIL: TestReplayInput") {
		t.Fatalf("the child did not run the input:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	return string(out), files
}

// TestReplayInput is run by the tests above in a child process: it runs
// the input INTERLEAVE_INPUT names through INTERLEAVE_TARGET's variant
// INTERLEAVE_VARIANT, as plain go test does, or, with
// INTERLEAVE_AS_WORKER=1, as the fuzzer's worker process does.
func TestReplayInput(t *testing.T) {
	path := os.Getenv("INTERLEAVE_INPUT")
	if path == "" {
		t.Skip("run by TestCrashersReplay in a child process")
	}
	data, err := readInput(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := entry(subjectOf(os.Getenv("INTERLEAVE_TARGET")), os.Getenv("INTERLEAVE_VARIANT"))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("INTERLEAVE_AS_WORKER") == "1" {
		worker := flag.Lookup("test.fuzzworker")
		if err := worker.Value.Set("true"); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = worker.Value.Set("false") }()
	}
	e.Fuzz()(t, data)
}

func subjectOf(target string) string { return strings.ToLower(strings.TrimPrefix(target, "Fuzz")) }

func hasSuffix(files []string, suffix string) bool {
	for _, f := range files {
		if strings.HasSuffix(f, suffix) {
			return true
		}
	}
	return false
}

// TestGarbageInput feeds every target random and truncated inputs: each
// must run (an input that runs out goes on with zeros, so none is
// skipped) and pass, since the correct variants have no bug to find.
func TestGarbageInput(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, subject := range []string{"counter", "stack", "limiter", "pool"} {
		e, err := entry(subject, "")
		if err != nil {
			t.Fatal(err)
		}
		fuzz := e.Fuzz()
		t.Run(subject, func(t *testing.T) {
			for i := range 40 {
				data := make([]byte, r.IntN(600))
				for j := range data {
					data[j] = byte(r.Uint32())
				}
				if i%4 == 0 {
					data = data[:len(data)/7] // truncated: runs out early
				}
				ran := false
				ok := t.Run("input", func(t *testing.T) {
					fuzz(t, data) // skipping or failing ends the subtest here
					ran = true
				})
				if ok && !ran {
					t.Fatalf("input %d (%d bytes) was skipped", i, len(data))
				}
			}
		})
	}
}

// TestSeedsLeaveTheBugsToTheFuzzer runs each target's seeds against the
// mutants the README has the fuzzer find, as interleave test -fuzz does
// before it fuzzes (on an instrumented build, in controlled mode): none
// may fail, or the command would stop there without fuzzing. The
// counter's LostUpdate is not one of them: since window-pct puts its
// priority changes on read-modify-write windows, about two random inputs
// in five find it, the seeds included.
func TestSeedsLeaveTheBugsToTheFuzzer(t *testing.T) {
	for _, c := range []struct{ target, variant string }{
		{"FuzzStack", "SeparateLen"}, {"FuzzStack", "ABA"},
	} {
		t.Run(c.variant, func(t *testing.T) {
			// Only the seeds: a crasher the fuzzer saved in testdata/fuzz
			// fails its mutant, as it should.
			cmd := exec.Command(instrumented(t), "-test.run=^"+c.target+"$/^seed#", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "INTERLEAVE_VARIANT="+c.variant, "STRESS_ARTIFACTS="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("a seed of %s fails %s by itself:\n%s", c.target, c.variant, out)
			}
			if n := strings.Count(string(out), "--- PASS: "+c.target+"/seed#"); n < 33 {
				t.Fatalf("%d seeds passed, want 33:\n%s", n, out)
			}
		})
	}
}
