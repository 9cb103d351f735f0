package stress

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// logTB keeps what a test logs.
type logTB struct {
	*testing.T
	logs []string
}

func (l *logTB) Logf(format string, args ...any) {
	l.T.Helper()
	l.logs = append(l.logs, fmt.Sprintf(format, args...))
}

// stackOpsSpec is benchSpec with pushes, pops and lengths drawn.
func stackOpsSpec() Spec[*benchStack, model.ContainerInput, model.ContainerOutput] {
	spec := benchSpec()
	spec.Ops = rapid.OneOf(
		rapid.Map(rapid.IntRange(1, 3), func(v int) model.ContainerInput {
			return model.ContainerInput{Op: model.ContainerPut, Value: v}
		}),
		rapid.Just(model.ContainerInput{Op: model.ContainerTake}),
		rapid.Just(model.ContainerInput{Op: model.ContainerLen}),
	)
	return spec
}

// TestCoverageOfAPass: a passing controlled search says how many distinct
// interleavings it tried, how preemptive they were and with which
// strategy, in its Summary and in the log line of Test.
func TestCoverageOfAPass(t *testing.T) {
	for _, tc := range []struct {
		strategy Strategy
		name     string
	}{
		{PCT, "pct (depth 3)"},
		{POS, "pos"},
		{LearnedPCT, "learned-pct (depth 3, "},
		{WindowPCT, "window-pct (depth 3, "},
		{RandomWalk, "random"},
	} {
		t.Run(tc.strategy.String(), func(t *testing.T) {
			opts := []Option{WithMode(Controlled), WithSeed(1), WithChecks(300), WithStrategy(tc.strategy), WithDuration(0)}
			res, err := Run(t, stackOpsSpec(), opts...)
			if err != nil || res.Failure != nil {
				t.Fatalf("the correct stack did not pass: %v %v", err, res.Failure)
			}
			c := res.Coverage
			t.Logf("%d of %d pairs of conflicting accesses in both orders", c.BothOrders, c.ConflictPairs)
			if c.Executions != 300 || !strings.HasPrefix(c.Strategy, tc.name) {
				t.Fatalf("coverage %+v, want 300 executions under %s", c, tc.name)
			}
			// Drawn scenarios and schedules differ: most executions are
			// new, but never more than ran.
			if c.Interleavings < 100 || c.Interleavings > c.Executions {
				t.Errorf("%d distinct interleavings in %d executions", c.Interleavings, c.Executions)
			}
			if c.Preemptions <= 0 || c.MaxPreemptions < 1 || float64(c.MaxPreemptions) < c.Preemptions {
				t.Errorf("preemptions: mean %v, max %d", c.Preemptions, c.MaxPreemptions)
			}
			// Pushes and pops conflict on the head: 300 executions
			// see some pairs both ways.
			if c.ConflictPairs == 0 || c.BothOrders == 0 || c.BothOrders > c.ConflictPairs {
				t.Errorf("%d of %d conflicting pairs in both orders", c.BothOrders, c.ConflictPairs)
			}
			l := &logTB{T: t}
			Test(l, stackOpsSpec(), opts...)
			line := strings.Join(l.logs, "\n")
			want := fmt.Sprintf("%d distinct interleavings in 300 controlled executions", c.Interleavings)
			pairs := fmt.Sprintf("%d of %d pairs of conflicting accesses in both orders", c.BothOrders, c.ConflictPairs)
			if !strings.Contains(line, "no bug in") || !strings.Contains(line, want) || !strings.Contains(line, pairs) || !strings.Contains(line, "strategy "+tc.name) {
				t.Errorf("the log says\n%s\nwant %q and the strategy", line, want)
			}
		})
	}
}

// TestCoverageCountsRepeats: a search that can only run one interleaving
// (one operation per thread, each a single load, under a strategy that
// never preempts) counts it once, however many executions ran.
func TestCoverageCountsRepeats(t *testing.T) {
	spec := benchSpec() // Len only
	res, err := Run(t, spec, WithMode(Controlled), WithSeed(1), WithChecks(50), WithMaxThreads(2), WithMaxOps(1), WithMaxInit(0), WithMaxPost(0), WithDuration(0))
	if err != nil || res.Failure != nil {
		t.Fatalf("%v %v", err, res.Failure)
	}
	// Two threads of one Len each: the first thread to run, and whether
	// the other comes between its call and its load, make a few
	// interleavings at most.
	if c := res.Coverage; c.Executions != 50 || c.Interleavings < 1 || c.Interleavings > 6 {
		t.Errorf("coverage %+v: want 50 executions of at most 6 interleavings", c)
	}
	// Loads only: nothing conflicts.
	if c := res.Coverage; c.ConflictPairs != 0 || !strings.Contains(c.String(), "no conflicting accesses") {
		t.Errorf("coverage %v: want no conflicting pairs", c)
	}
}

// TestCoveragePairs: a pair seen both ways counts once, as a pair in
// both orders; a pair seen one way counts as a pair only.
func TestCoveragePairs(t *testing.T) {
	load := func(th int) sched.Actor { return sched.Actor{Thread: th, Kind: sched.KindLoad} }
	cas := func(th int) sched.Actor { return sched.Actor{Thread: th, Kind: sched.KindCAS} }
	var c coverage
	c.add(outcome{orders: []sched.Order{{Var: 1, First: load(1), Then: cas(2)}, {Var: 1, First: cas(1), Then: cas(2)}}})
	c.add(outcome{orders: []sched.Order{{Var: 1, First: cas(2), Then: load(1)}, {Var: 1, First: load(1), Then: cas(2)}}})
	if pairs, both := c.pairs(); pairs != 2 || both != 1 {
		t.Fatalf("%d pairs, %d both ways; want 2 and 1", pairs, both)
	}
	got := c.summary(config{strategy: RandomWalk}, 0).String()
	if !strings.Contains(got, "1 of 2 pairs of conflicting accesses in both orders (50%)") {
		t.Fatalf("coverage line %q", got)
	}
}
