package stress

import "fmt"

// Coverage says how thoroughly a run searched under controlled
// scheduling, so that a pass after a shallow search can be told from a
// pass after a thorough one. It counts the executions of the search
// proper: not the instrumentation probe, and not the minimization of a
// failure. It is zero when no controlled search ran (stress mode, a type
// that does not use package sched).
type Coverage struct {
	// Executions counts the controlled executions of the search.
	Executions int `json:"executions"`
	// Interleavings counts the distinct executions among them: those
	// whose instrumented operations differ in order, thread, variable or
	// value (sched.Execution.Fingerprint). Counting stops at 1<<20.
	Interleavings int `json:"interleavings"`
	// Preemptions is the mean number of preemptions (context switches
	// away from a thread that could have gone on) per execution, and
	// MaxPreemptions the most in one.
	Preemptions    float64 `json:"preemptions"`
	MaxPreemptions int     `json:"max_preemptions"`
	// Strategy names the strategy and its parameters: "pct (depth 3)".
	Strategy string `json:"strategy"`
}

// String formats c as the log line of a passing run shows it.
func (c Coverage) String() string {
	if c.Executions == 0 {
		return "no controlled search"
	}
	return fmt.Sprintf("%d distinct interleavings in %d controlled executions, %.1f preemptions per execution (at most %d), strategy %s",
		c.Interleavings, c.Executions, c.Preemptions, c.MaxPreemptions, c.Strategy)
}

// maxInterleavings bounds the fingerprints a run keeps to count distinct
// interleavings.
const maxInterleavings = 1 << 20

// coverage accumulates a Coverage.
type coverage struct {
	executions, preemptions, maxPreemptions int
	seen                                    map[uint64]struct{}
}

// add counts a controlled execution of the search.
func (c *coverage) add(o outcome) {
	c.executions++
	c.preemptions += o.preemptions
	c.maxPreemptions = max(c.maxPreemptions, o.preemptions)
	if c.seen == nil {
		c.seen = map[uint64]struct{}{}
	}
	if len(c.seen) < maxInterleavings {
		c.seen[o.fingerprint] = struct{}{}
	}
}

// summary returns what c counted, for a search under cfg (perOp is
// LearnedPCT's measure).
func (c *coverage) summary(cfg config, perOp float64) Coverage {
	if c.executions == 0 {
		return Coverage{}
	}
	return Coverage{
		Executions:     c.executions,
		Interleavings:  len(c.seen),
		Preemptions:    float64(c.preemptions) / float64(c.executions),
		MaxPreemptions: c.maxPreemptions,
		Strategy:       strategyParams(cfg.strategy, cfg.depth, perOp),
	}
}

// strategyParams names strategy s with its parameters.
func strategyParams(s Strategy, depth int, perOp float64) string {
	switch s {
	case PCT:
		return fmt.Sprintf("pct (depth %d)", depth)
	case LearnedPCT, WindowPCT:
		return fmt.Sprintf("%v (depth %d, %.1f decisions per operation)", s, depth, perOp)
	}
	return s.String()
}
