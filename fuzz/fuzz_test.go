package fuzz_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/subjects/specs"
)

func FuzzCounter(f *testing.F) { fuzzSubject(f, "counter") }

func FuzzStack(f *testing.F) { fuzzSubject(f, "stack") }

func FuzzLimiter(f *testing.F) { fuzzSubject(f, "limiter") }

func FuzzPool(f *testing.F) { fuzzSubject(f, "pool") }

// fuzzSubject fuzzes the subject's variant named by INTERLEAVE_VARIANT, by
// default its first, correct one.
func fuzzSubject(f *testing.F, subject string) {
	variant := os.Getenv("INTERLEAVE_VARIANT")
	e, err := entry(subject, variant)
	if err != nil {
		for _, other := range specs.Catalog() {
			if other.Variant == variant {
				f.Skipf("INTERLEAVE_VARIANT=%s is a %s variant", variant, other.Subject)
			}
		}
		f.Fatal(err)
	}
	for _, seed := range seeds(subject) {
		f.Add(seed)
	}
	if !e.Mutant() {
		// The inputs that caught the mutants are regression seeds for
		// the correct variant, which must pass them. A mutant does not
		// get them: it must be found from the seeds above.
		inputs, err := mutantInputs(f.Name())
		if err != nil {
			f.Fatal(err)
		}
		for _, in := range inputs {
			f.Add(in.data)
		}
	}
	f.Fuzz(e.Fuzz())
}

// seeds returns the target's own seed corpus: the empty input (every
// draw 0: two threads of one operation each, the first kind of
// operation, no context switch) and 32 random inputs of 64 to 127 bytes,
// one byte per draw, about the size of a scenario and its schedule. The
// fuzzer shares its time among the inputs of its corpus, and those it
// adds for new coverage are minimized, often down to a scenario without
// a context switch: many random seeds keep a large share of its time on
// varied, full-size scenarios and schedules (with 4 seeds, 1 run of ABA
// in 20 took over 60 s). The random stream is one where no seed fails
// the stack's SeparateLen or ABA by itself (with the first two streams
// tried, one or two seeds in 32 did), so that go test -fuzz on those has
// to search: TestSeedsLeaveTheBugsToTheFuzzer. The counter's LostUpdate
// is found by about two random inputs in five, the seeds included.
func seeds(subject string) [][]byte {
	out := [][]byte{{}}
	r := rand.New(rand.NewPCG(7, uint64(len(subject))))
	for range 32 {
		seed := make([]byte, 64+r.IntN(64))
		for i := range seed {
			seed[i] = byte(r.Uint32())
		}
		out = append(out, seed)
	}
	return out
}

// entry finds a variant of subject in the catalog; "" is the first.
func entry(subject, variant string) (specs.Entry, error) {
	entries := specs.Subject(subject)
	for _, e := range entries {
		if variant == "" || e.Variant == variant {
			return e, nil
		}
	}
	return specs.Entry{}, &noVariant{subject, variant}
}

type noVariant struct{ subject, variant string }

func (e *noVariant) Error() string {
	return "fuzz: no variant " + e.variant + " of " + e.subject + " (INTERLEAVE_VARIANT)"
}

// mutantDir holds, per target, the inputs the fuzzer found for each
// mutant, named "Variant-hash". They are kept out of testdata/fuzz, where
// go test -fuzz would run them first and stop at once, without fuzzing,
// when INTERLEAVE_VARIANT names their mutant.
const mutantDir = "testdata/mutants"

// mutantInput is an input file in mutantDir.
type mutantInput struct {
	path, target, variant string
	data                  []byte
}

// mutantInputs reads the inputs of target ("" for every target).
func mutantInputs(target string) ([]mutantInput, error) {
	if target == "" {
		target = "Fuzz*"
	}
	paths, err := filepath.Glob(filepath.Join(mutantDir, target, "*-*"))
	if err != nil {
		return nil, err
	}
	var out []mutantInput
	for _, p := range paths {
		data, err := readInput(p)
		if err != nil {
			return nil, err
		}
		variant, _, _ := strings.Cut(filepath.Base(p), "-")
		out = append(out, mutantInput{path: p, target: filepath.Base(filepath.Dir(p)), variant: variant, data: data})
	}
	return out, nil
}

// readInput reads a file in the fuzzer's corpus format with one []byte
// value: "go test fuzz v1" and then []byte("...") with Go escapes.
func readInput(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	header, body, _ := bytes.Cut(raw, []byte("\n"))
	body = bytes.TrimSpace(body)
	if string(header) != "go test fuzz v1" || !bytes.HasPrefix(body, []byte("[]byte(")) || !bytes.HasSuffix(body, []byte(")")) {
		return nil, fmt.Errorf("%s: want a go test fuzz v1 file with one []byte value", path)
	}
	s, err := strconv.Unquote(string(body[len("[]byte(") : len(body)-1]))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return []byte(s), nil
}
