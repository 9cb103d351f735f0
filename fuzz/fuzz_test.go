package fuzz_test

import (
	"math/rand/v2"
	"os"
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
	// The simplest input, every draw 0 (two threads of one operation each,
	// the first kind of operation, no switch), and a few dense random ones
	// for the fuzzer to start from: zeros make the fewest interleavings.
	f.Add(make([]byte, 8*64))
	r := rand.New(rand.NewPCG(1, uint64(len(subject))))
	for range 4 {
		seed := make([]byte, 8*256)
		for i := range seed {
			seed[i] = byte(r.Uint32())
		}
		f.Add(seed)
	}
	f.Fuzz(e.Fuzz())
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
