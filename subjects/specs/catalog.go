package specs

import (
	"fmt"
	"slices"
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/counter"
	"github.com/interleave-go/interleave/subjects/limiter"
	"github.com/interleave-go/interleave/subjects/pool"
	"github.com/interleave-go/interleave/subjects/stack"
)

// Entry is one variant of one subject, with the verdict it should get.
type Entry struct {
	Subject, Variant string
	// Bug describes a mutant's bug; empty for a correct variant.
	Bug string
	// Want is the kind of failure a mutant must be caught with; 0 for a
	// correct variant, which must pass. Also lists other kinds that are
	// the same bug seen another way.
	Want stress.Kind
	Also []stress.Kind
	// Controlled is set when the variant runs under controlled
	// scheduling: on a build instrumented by interleave test (the main
	// job's is), its sync/atomic, sync, channel, context and time
	// operations go through package sched.
	Controlled bool
	// Preemptive marks a bug that needs a preemption at one exact point,
	// which free-running goroutines may not hit within a test's budget.
	Preemptive bool
	// Perturbed marks a mutant that stress mode catches only on an
	// instrumented build, where package sched makes the subject's atomic
	// operations yield at random: with plain sync/atomic, free-running
	// goroutines almost never stop in the few nanoseconds between the two
	// steps the bug needs.
	Perturbed bool
	// Stress holds the options this entry needs in stress mode, put
	// before the caller's: fewer runs per scenario in fake time, where a
	// scenario behaves the same nearly every time, and more for a bug
	// that needs an exact preemption.
	Stress []stress.Option
	// Run runs the variant's spec with opts; in controlled mode it uses
	// the controlled spec.
	Run func(t testing.TB, mode stress.Mode, opts ...stress.Option) (stress.Summary, error)
	// Fuzz returns a fuzz target body for the variant (stress.Fuzz) in
	// auto mode: controlled on an instrumented build (interleave test
	// -fuzz), stress mode otherwise, as in plain go test -fuzz, which
	// cannot instrument the code; and stress mode for a FakeTime spec.
	Fuzz func(opts ...stress.Option) func(*testing.T, []byte)
}

// Name is "subject/variant".
func (e Entry) Name() string { return e.Subject + "/" + e.Variant }

// Mutant reports whether the entry is a mutant.
func (e Entry) Mutant() bool { return e.Want != 0 }

// Caught reports whether a failure of kind k is this mutant's bug.
func (e Entry) Caught(k stress.Kind) bool {
	return e.Mutant() && (k == e.Want || slices.Contains(e.Also, k))
}

// Expected describes the verdict the entry should get: "pass", or the
// kinds of failure that catch it.
func (e Entry) Expected() string {
	if !e.Mutant() {
		return "pass"
	}
	s := e.Want.String()
	for _, k := range e.Also {
		s += " or " + k.String()
	}
	return s
}

func fuzzer[T, I, O any](spec stress.Spec[T, I, O]) func(...stress.Option) func(*testing.T, []byte) {
	return func(opts ...stress.Option) func(*testing.T, []byte) {
		return stress.Fuzz(spec, opts...)
	}
}

func runner[T, I, O any](spec stress.Spec[T, I, O]) func(testing.TB, stress.Mode, ...stress.Option) (stress.Summary, error) {
	return func(t testing.TB, mode stress.Mode, opts ...stress.Option) (stress.Summary, error) {
		t.Helper()
		return stress.Run(t, spec, append([]stress.Option{stress.WithMode(mode)}, opts...)...)
	}
}

// fakeTimeRuns is the stress budget of fake-time subjects: in fake time a
// scenario nearly always runs the same way, so variety comes from more
// scenarios rather than more runs of each.
var fakeTimeRuns = []stress.Option{stress.WithRuns(10)}

// Catalog lists every variant of every shipped subject.
func Catalog() []Entry {
	var out []Entry
	for _, v := range counter.Variants {
		want := stress.Kind(0)
		if v.Mutant() {
			want = stress.Violation
		}
		s := Counter(v)
		out = append(out, Entry{Subject: "counter", Variant: v.Name, Bug: v.Bug, Want: want, Controlled: true, Perturbed: v.Mutant(), Run: runner(s), Fuzz: fuzzer(s)})
	}
	stackWant := map[string]stress.Kind{"SeparateLen": stress.Violation, "PointerField": stress.Panic, "ABA": stress.Violation}
	for _, v := range stack.Variants {
		s := Stack(v)
		e := Entry{Subject: "stack", Variant: v.Name, Bug: v.Bug, Want: stackWant[v.Name], Controlled: true, Preemptive: v.Preemptive, Perturbed: stackWant[v.Name] == stress.Violation, Run: runner(s), Fuzz: fuzzer(s)}
		if v.Preemptive {
			// About one execution in 5000 shows ABA with real
			// goroutines; 200000 make a miss vanishingly unlikely.
			e.Stress = []stress.Option{stress.WithRuns(1000)}
		}
		out = append(out, e)
	}
	limiterWant := map[string]stress.Kind{"MutexAcrossWait": stress.Property, "CheckThenAct": stress.Violation}
	for _, v := range limiter.Variants {
		s := Limiter(v)
		run := runner(s)
		if v.Rate {
			run = func(t testing.TB, mode stress.Mode, opts ...stress.Option) (stress.Summary, error) {
				t.Helper()
				if mode == stress.Controlled && !RateInstrumented() {
					return stress.Summary{}, ErrRateNotInstrumented
				}
				return runner(s)(t, mode, opts...)
			}
		}
		e := Entry{Subject: "limiter", Variant: v.Name, Bug: v.Bug, Want: limiterWant[v.Name],
			Controlled: true, Run: run, Fuzz: fuzzer(s), Stress: fakeTimeRuns}
		if v.Name == "MutexAcrossWait" {
			// The mutex makes a Wait reserve its token late. Alone, that
			// shows as requests finishing past the throughput bound; with
			// an Allow after it, the bucket is in a state no timely
			// reservation leaves, which the model sees first.
			e.Also = []stress.Kind{stress.Violation}
		}
		if v.Name == "CheckThenAct" {
			// Its Do polls for a token instead of reserving one, so an
			// Allow can take the token a waiting request was due: that
			// request finishes past the throughput bound, without a race.
			e.Also = []stress.Kind{stress.Property}
		}
		out = append(out, e)
	}
	poolWant := map[string]stress.Kind{"DropOnCancel": stress.Violation, "LeakyWorkers": stress.Leak}
	for _, v := range pool.Variants {
		s := Pool(v)
		out = append(out, Entry{Subject: "pool", Variant: v.Name, Bug: v.Bug, Want: poolWant[v.Name], Controlled: true, Run: runner(s), Fuzz: fuzzer(s), Stress: fakeTimeRuns})
	}
	return out
}

// Subject returns the catalog entries of one subject.
func Subject(name string) []Entry {
	var out []Entry
	for _, e := range Catalog() {
		if e.Subject == name {
			out = append(out, e)
		}
	}
	return out
}

// Verify runs e in mode and fails t unless the verdict is the expected
// one: a correct variant must pass after actually running, a mutant must
// be caught with the expected kind of failure. The report of a caught
// mutant is logged (go test -v shows it).
func Verify(t *testing.T, e Entry, mode stress.Mode, opts ...stress.Option) stress.Summary {
	t.Helper()
	if mode == stress.Stress {
		opts = append(append([]stress.Option(nil), e.Stress...), opts...)
	}
	res, err := e.Run(t, mode, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	switch {
	case !e.Mutant() && f != nil:
		t.Fatalf("%s is correct but failed:\n%s", e.Name(), f.Report())
	case !e.Mutant() && res.Executions == 0:
		t.Fatalf("%s: nothing was executed", e.Name())
	case !e.Mutant():
		t.Logf("%s passed %d executions of %d scenarios in %v (seed %d)", e.Name(), res.Executions, res.Scenarios, res.Elapsed.Round(1e6), res.Seed)
	case f == nil:
		t.Fatalf("MUTANT SURVIVED: %s (%s) was not caught in %d executions (seed %d)", e.Name(), e.Bug, res.Executions, res.Seed)
	case !e.Caught(f.Kind):
		t.Fatalf("%s was caught as a %v, want a %v:\n%s", e.Name(), f.Kind, e.Expected(), f.Report())
	default:
		t.Logf("%s caught (%s):\n%s", e.Name(), e.Bug, f.Report())
	}
	return res
}

// VerifySeeds runs Verify in controlled mode on seeds 1 to n, a subtest
// each, all with the same budget of checks; check, if not nil, looks
// further at each result.
func VerifySeeds(t *testing.T, e Entry, n, budget int, check func(*testing.T, stress.Summary)) {
	t.Helper()
	for seed := uint64(1); seed <= uint64(n); seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			res := Verify(t, e, stress.Controlled, stress.WithSeed(seed), stress.WithChecks(budget))
			if check != nil {
				check(t, res)
			}
		})
	}
}

// String describes the entry for logs.
func (e Entry) String() string {
	if e.Mutant() {
		return fmt.Sprintf("%s (mutant: %s)", e.Name(), e.Bug)
	}
	return e.Name() + " (correct)"
}
