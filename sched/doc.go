// Package sched provides instrumented concurrency primitives and a
// controlled scheduler that runs managed goroutines one at a time, so that
// a program and a schedule fully determine an execution.
//
// # Primitives
//
// [Int64], [Uint64] and [Pointer] mirror the sync/atomic types of the same
// names; [Mutex] is a mutual exclusion lock; [Go] starts a managed
// goroutine; [Yield] is an explicit scheduling point. Code under test uses
// them instead of the raw ones, the way code checked by Rust's loom swaps
// its imports. Their zero values are ready to use.
//
// With no controlled run active, each costs one atomic load more than the
// raw operation (see the benchmarks). [Mutex] then blocks on a channel,
// which, unlike sync.Mutex, counts as durably blocked inside a
// testing/synctest bubble, so fake time keeps moving while goroutines wait
// for it.
//
// # Controlled runs
//
// [Run] runs phases of managed goroutines. Exactly one of them runs at a
// time; every instrumented operation is a point where a [Strategy] decides
// who runs next, and every such operation is recorded as an [Event] with
// its thread, call site and old and new values. Strategies: [RandomWalk],
// [PCT] (Burckhardt et al., ASPLOS 2010), [Replay] of recorded choices,
// and [Explore], which enumerates every schedule up to a preemption bound.
// Choice 0 always means "keep running the current thread", so the simplest
// schedule is the one with the fewest context switches.
//
// # Blocking and hangs
//
// A managed goroutine blocked on an instrumented [Mutex] is not runnable.
// If no managed goroutine can run, the run ends as a deadlock naming where
// each one waits. If the running goroutine blocks on something the
// scheduler cannot see (a channel, a sync.Mutex, a sleep), a watchdog ends
// the run as a hang and captures every goroutine's stack.
//
// # Rules
//
// One controlled run at a time per process: Run serializes callers. During
// a run, every goroutine that touches instrumented values must be managed
// (started by Run or by [Go]). The scheduler cannot ask a goroutine who it
// is, so an unmanaged one passes for the running thread. It is caught if
// it reaches a scheduling point while the thread it passes for waits its
// turn, as goroutines left over from an earlier run (one stuck in a
// [Hang], say) usually do, and the run ends as [Unmanaged]; if it never
// does, its operations are mixed into that thread's trace, and replaying
// the schedule usually shows it. Replaying a schedule must reproduce the same events; when it
// does not, the code did something uninstrumented, and callers should say
// so rather than trust the trace.
package sched
