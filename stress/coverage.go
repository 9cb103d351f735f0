package stress

import (
	"fmt"

	"github.com/interleave-go/interleave/sched"
)

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
	// ConflictPairs counts the pairs of conflicting accesses the
	// executions made (two threads that could run at once, one variable,
	// one of them writing; each access named by its thread and the kind
	// of operation, as sched.Order does), and BothOrders those of them
	// made in both orders by some executions: a pair seen one way only is
	// an interleaving the search never tried the other way. Counting
	// stops at 1<<16 orders.
	ConflictPairs int `json:"conflict_pairs"`
	BothOrders    int `json:"both_orders"`
	// Strategy names the strategy and its parameters: "pct (depth 3)".
	Strategy string `json:"strategy"`
}

// String formats c as the log line of a passing run shows it.
func (c Coverage) String() string {
	if c.Executions == 0 {
		return "no controlled search"
	}
	return fmt.Sprintf("%d distinct interleavings in %d controlled executions, %.1f preemptions per execution (at most %d), %s, strategy %s",
		c.Interleavings, c.Executions, c.Preemptions, c.MaxPreemptions, c.pairs(), c.Strategy)
}

// pairs formats the conflicting pairs and the share seen in both orders.
func (c Coverage) pairs() string {
	if c.ConflictPairs == 0 {
		return "no conflicting accesses"
	}
	return fmt.Sprintf("%d of %d pairs of conflicting accesses in both orders (%.0f%%)",
		c.BothOrders, c.ConflictPairs, 100*float64(c.BothOrders)/float64(c.ConflictPairs))
}

// maxInterleavings bounds the fingerprints a run keeps to count distinct
// interleavings, and maxOrders the orders of conflicting accesses.
const (
	maxInterleavings = 1 << 20
	maxOrders        = 1 << 16
)

// coverage accumulates a Coverage.
type coverage struct {
	executions, preemptions, maxPreemptions int
	seen                                    map[uint64]struct{}
	orders                                  map[sched.Order]struct{}
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
	if c.orders == nil {
		c.orders = map[sched.Order]struct{}{}
	}
	for _, ord := range o.orders {
		if len(c.orders) >= maxOrders {
			break
		}
		c.orders[ord] = struct{}{}
	}
}

// pairs counts the pairs of conflicting accesses seen, and those seen in
// both orders.
func (c *coverage) pairs() (pairs, both int) {
	for o := range c.orders {
		if _, ok := c.orders[o.Reversed()]; ok {
			both++
		}
	}
	// Each pair seen both ways was counted once per order.
	both /= 2
	return len(c.orders) - both, both
}

// summary returns what c counted, for a search under cfg (perOp is
// LearnedPCT's measure).
func (c *coverage) summary(cfg config, perOp float64) Coverage {
	if c.executions == 0 {
		return Coverage{}
	}
	pairs, both := c.pairs()
	return Coverage{
		ConflictPairs:  pairs,
		BothOrders:     both,
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
