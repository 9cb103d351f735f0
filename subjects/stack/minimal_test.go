package stack_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/interleave-go/interleave/internal/explorehook"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
	"github.com/interleave-go/interleave/subjects/stack"
)

func variant(t *testing.T, name string) stack.Variant {
	for _, v := range stack.Variants {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no stack variant %s", name)
	return stack.Variant{}
}

var (
	push1 = model.ContainerInput{Op: model.ContainerPut, Value: 1}
	push2 = model.ContainerInput{Op: model.ContainerPut, Value: 2}
	pop   = model.ContainerInput{Op: model.ContainerTake}
	size  = model.ContainerInput{Op: model.ContainerLen}
)

// scenarios calls f with every scenario of n operations drawn from
// alphabet, with 2 or 3 parallel threads of at least one operation, up to
// n-2 operations before them and up to one after, until f returns false.
func scenarios(n int, alphabet []model.ContainerInput, f func(stress.Scenario[model.ContainerInput]) bool) {
	seqs := [][]model.ContainerInput{nil}
	for range n {
		var next [][]model.ContainerInput
		for _, s := range seqs {
			for _, a := range alphabet {
				next = append(next, append(append([]model.ContainerInput(nil), s...), a))
			}
		}
		seqs = next
	}
	// splits lists the ways to cut m operations into k non-empty threads.
	var splits func(m, k int) [][]int
	splits = func(m, k int) [][]int {
		if k == 1 {
			return [][]int{{m}}
		}
		var out [][]int
		for first := 1; first <= m-k+1; first++ {
			for _, rest := range splits(m-first, k-1) {
				out = append(out, append([]int{first}, rest...))
			}
		}
		return out
	}
	for _, ops := range seqs {
		for init := 0; init <= n-2; init++ {
			for post := 0; post <= 1 && init+post <= n-2; post++ {
				par := n - init - post
				for k := 2; k <= 3 && k <= par; k++ {
					for _, split := range splits(par, k) {
						sc := stress.Scenario[model.ContainerInput]{Init: ops[:init], Post: ops[n-post:]}
						at := init
						for _, l := range split {
							sc.Threads = append(sc.Threads, ops[at:at+l])
							at += l
						}
						if !f(sc) {
							return
						}
					}
				}
			}
		}
	}
}

// TestControlledShrunkIsMinimal checks the minimized failures of SeparateLen and ABA
// against bounded exhaustive search: no scenario with fewer operations
// fails with up to 2 preemptions, and none with as many fails with fewer
// context switches. The search covers every scenario built from the
// operations each bug needs (and 2 or 3 threads), so it is the ground
// truth for "minimal" in that space.
//
// Exhaustive search needs the stack instrumented: under plain go test the
// test runs again in this package's test binary built by interleave test.
//
// It logs the executions it ran, the search's and minimization's and
// the exhaustive searches': with INTERLEAVE_UNREDUCED=1 in the
// environment they run without the partial order reduction, to measure
// it (README, "Numbers").
func TestControlledShrunkIsMinimal(t *testing.T) {
	specs.SkipUnderRace(t)
	if !specs.Instrumented() {
		bin, err := specs.BuildInstrumented(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-test.run=^TestControlledShrunkIsMinimal$", "-test.count=1", "-test.v").CombinedOutput()
		t.Logf("in the instrumented test binary:\n%s", out)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if os.Getenv("INTERLEAVE_UNREDUCED") != "" {
		explorehook.Unreduced.Store(true)
		defer explorehook.Unreduced.Store(false)
	}
	const bound = 2
	for _, tc := range []struct {
		variant  string
		alphabet []model.ContainerInput
	}{
		{"SeparateLen", []model.ContainerInput{push1, pop, size}},
		{"ABA", []model.ContainerInput{push1, push2, pop}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			spec := specs.Stack(variant(t, tc.variant))
			dir := stress.WithArtifacts(t.TempDir())
			res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(1), stress.WithChecks(5000), dir)
			if err != nil {
				t.Fatal(err)
			}
			shrunk := res.Failure
			if shrunk == nil {
				t.Fatal("not caught")
			}
			minOps, minSwitches, tried := 0, 0, 0
			exhausted := explorehook.Executions.Load()
			for n := 1; n <= shrunk.Size && minOps == 0; n++ {
				best := bound + 1
				scenarios(n, tc.alphabet, func(sc stress.Scenario[model.ContainerInput]) bool {
					tried++
					f, err := stress.Exhaust(t, spec, sc, best-1, dir)
					if err != nil {
						t.Fatal(err)
					}
					if f != nil && f.Kind == shrunk.Kind {
						best = f.Preemptions
					}
					return best > 0
				})
				if best <= bound {
					minOps, minSwitches = n, best
				}
			}
			exhausted = explorehook.Executions.Load() - exhausted
			t.Logf("shrunk: %d operations, %d context switches; exhaustive search over %d scenarios: %d operations, %d context switches", shrunk.Size, shrunk.Preemptions, tried, minOps, minSwitches)
			t.Logf("executions (reduced: %v): %d by Run, minimization included, %d by Exhaust, %d in all", !explorehook.Unreduced.Load(), res.Executions, exhausted, int64(res.Executions)+exhausted)
			if minOps == 0 {
				t.Fatalf("exhaustive search found no failure up to %d operations, but the shrunk one has %d:\n%s", shrunk.Size, shrunk.Size, shrunk.Report())
			}
			if shrunk.Size > minOps || shrunk.Preemptions > minSwitches {
				t.Fatalf("shrunk to %d operations and %d context switches; exhaustive search found %d and %d:\n%s", shrunk.Size, shrunk.Preemptions, minOps, minSwitches, shrunk.Report())
			}
		})
	}
}

// TestControlledReplayIsExact replays a minimized ABA failure 100 times from its
// replay file: every replay must show the same interleaving.
func TestControlledReplayIsExact(t *testing.T) {
	specs.SkipUnderRace(t)
	spec := specs.Stack(variant(t, "ABA"))
	dir := stress.WithArtifacts(t.TempDir())
	res, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithSeed(2), stress.WithChecks(5000), dir)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Failure
	if f == nil || f.ReplayFile == "" {
		t.Fatalf("want a failure with a replay file, got %v", f)
	}
	for i := range 100 {
		// Controlled, as the file says: under plain go test the replay
		// then runs in the instrumented binary too.
		again, err := stress.Run(t, spec, stress.WithMode(stress.Controlled), stress.WithReplay(f.ReplayFile), dir)
		if err != nil {
			t.Fatal(err)
		}
		g := again.Failure
		if g == nil || g.Table != f.Table || g.Scenario != f.Scenario || g.Kind != f.Kind {
			t.Fatalf("replay %d differs:\nfirst:\n%s\nreplay:\n%v", i, f.Report(), g)
		}
		if g.Note != "" && g.Note != "replayed from "+f.ReplayFile {
			t.Fatalf("replay %d: %s", i, g.Note)
		}
	}
}
