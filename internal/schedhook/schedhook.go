// Package schedhook holds the calls of package sched that only
// interleave's test harness makes: marking where each operation of a
// scenario is called and returns, and perturbing stress runs. They are
// not part of sched's API; sched sets them when it is linked in.
package schedhook

var (
	// BeginOp marks that the current thread calls an operation: a
	// scheduling point, so that other threads may run between two
	// operations of one thread. at, if not nil, is called after the
	// point, when the call really happens; describe describes the call
	// if the event is ever shown. It reports whether it did anything:
	// outside a controlled run it does not.
	BeginOp func(at func(), describe func() string) bool
	// EndOp marks that the operation the current thread called returned
	// with the result describe describes. It is not a scheduling point.
	EndOp func(describe func() string)
	// Perturb makes instrumented operations outside controlled runs yield
	// the processor with probability permille/1000, drawn from a sequence
	// seeded with seed, until the returned function is called.
	Perturb func(seed uint64, permille int) (stop func())
)
