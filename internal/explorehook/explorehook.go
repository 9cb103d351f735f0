// Package explorehook lets interleave's own tests measure the partial
// order reduction of bounded exhaustive search (stress.Exhaust and the
// minimization to the fewest context switches): turn it off, and count
// the executions the search runs. It is not part of any API.
package explorehook

import "sync/atomic"

var (
	// Unreduced makes the search enumerate every schedule within its
	// bound, without the reduction. Set it before the search starts.
	Unreduced atomic.Bool
	// Executions counts the executions the exhaustive searches have run.
	Executions atomic.Int64
)
