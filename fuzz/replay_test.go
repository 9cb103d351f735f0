package fuzz_test

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrashersReplay replays every input in testdata/fuzz named after a
// mutant ("ABA-1a2b3c...": inputs the fuzzer wrote when it found that
// mutant's bug) against that mutant, in a child process as go test would
// run it: each must still fail, with the mutant's kind of failure. Plain
// go test runs the same files against the correct variants, which must
// pass them.
func TestCrashersReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "Fuzz*", "*-*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		target := filepath.Base(filepath.Dir(path))
		name := filepath.Base(path)
		variant, _, _ := strings.Cut(name, "-")
		e, err := entry(subjectOf(target), variant)
		if err != nil || !e.Mutant() {
			continue
		}
		n++
		t.Run(target+"/"+name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+target+"$/^"+name+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), "INTERLEAVE_VARIANT="+variant)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the input no longer fails against %s:\n%s", variant, out)
			}
			if want := "interleave: " + e.Want.String(); !strings.Contains(string(out), want) {
				t.Fatalf("want %q in the output:\n%s", want, out)
			}
		})
	}
	if n == 0 {
		t.Fatal("no crasher files in testdata/fuzz")
	}
}

func subjectOf(target string) string { return strings.ToLower(strings.TrimPrefix(target, "Fuzz")) }

// TestGarbageInput feeds every target random and truncated inputs: each
// may pass or be skipped (it ran out of data), but none may fail, since
// the correct variants have no bug to find.
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
				t.Run("input", func(t *testing.T) { fuzz(t, data) })
			}
		})
	}
}
