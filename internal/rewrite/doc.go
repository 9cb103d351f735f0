// Package rewrite rewrites a type-checked Go file so that its
// synchronization goes through package sched, which mirrors sync and
// sync/atomic with the same names and signatures: the package qualifier
// of each mirrored name is swapped (atomic.Int64 becomes sched.Int64,
// sync.Mutex becomes sched.Mutex), and each go statement becomes a call
// of sched.Go that evaluates the function and its arguments where the go
// statement did.
//
// Line directives keep every original token at its original file, line
// and column, so compiler errors, stack traces and interleave's reports
// point at the user's source.
//
// Channels become sched.Chan: every channel type (of any direction)
// becomes sched.Chan[T], make, send, receive, close, len, cap, range and
// nil become its functions and methods, and a select statement becomes a
// switch on sched.Select, whose choice among ready cases belongs to the
// schedule (see chan.go).
//
// What the rewrite leaves outside the scheduler (names sched does not
// mirror yet, time, values of sync types and channels that cross into
// code that is not rewritten, channels of defined types) or cannot
// rewrite comes back as a list of [Note]s.
package rewrite
