// Package stress is interleave's entry point for tests: it generates
// concurrent scenarios against a type, runs them, checks every history
// against a sequential model, and reports the smallest failing scenario
// and interleaving it can find, with the command that replays it.
//
// A test declares a [Spec] (how to make the value, how to draw an
// operation and run it from a given thread, and the sequential model, a
// model.Model) and calls [Test]; [Run] returns a [Summary]
// instead of failing the test, to assert that a bug is caught; [Fuzz]
// makes a native fuzz target of the same spec; [Exhaust] runs every
// schedule of one [Scenario] up to a number of preemptions.
//
// # Modes
//
// In stress mode ([Stress]) the operations of each thread run on real
// goroutines released together, many times per scenario; instrumented
// operations (package sched) yield now and then to shake up the
// interleavings. It works on any code but cannot replay a schedule.
//
// In controlled mode ([Controlled]) package sched runs one goroutine at a
// time and picks, at every instrumented operation, who runs next ([PCT]
// by default, or [RandomWalk]). A scenario and a schedule then determine
// the execution. Only types built on package sched's primitives show
// their interleavings there.
//
// [Auto], the default, runs controlled mode first when the type is built
// on package sched, then stress mode; a failure found in stress mode on
// such a type is handed to controlled mode to be explained.
//
// # Failures
//
// A [Failure] has a [Kind]; compare Failure.Kind with these constants
// (reports, the main job's table and its JSON print the names in quotes):
//
//   - [Violation], "linearizability violation": no order of the
//     operations that respects when each was called and returned is a
//     legal run of the model.
//   - [Undecided], "undecided history": the linearizability checker ran
//     out of time; never counted as a pass.
//   - [Property], "property violation": the Spec's Check rejected the
//     execution.
//   - [Panic], "panic": the type under test, or the spec's own code (its
//     model, Check or generator), panicked.
//   - [Deadlock], "deadlock": goroutines remain and none of them can ever
//     run again.
//   - [Hang], "hang": an execution did not end within -stress.timeout.
//   - [Leak], "goroutine leak": goroutines were left behind after the
//     execution ended.
//   - [StepLimit], "step limit": a controlled execution did not end within
//     the scheduler's step bound.
//
// Every kind is reported with one template: what failed, the minimal
// scenario, the interleaving (a column per thread, a row per step, each
// atomic operation with its old and new values, a line at each context
// switch), the history, the porcupine visualization and the replay
// command. Scenarios and schedules are drawn through rapid, which shrinks
// them; controlled failures are then minimized further by exhaustive
// search, operation by operation, and replayed once to check that the run
// is deterministic.
//
// # Time
//
// A spec with FakeTime runs each execution in a testing/synctest bubble:
// time moves only when every goroutine of the execution is blocked, so
// rate limits and timeouts are exact and nothing sleeps for real. A
// goroutine left blocked in the bubble after the execution is a leak; a
// bubble where every goroutine blocks before the end is a deadlock.
//
// # Knobs
//
// Options given in code are defaults. Each has a flag and an environment
// twin that override it (the flag wins over the variable), listed here
// with its default; go test -args -h shows them too.
//
//   - -stress.mode=auto (STRESS_MODE, [WithMode]): auto, stress or
//     controlled.
//   - -stress.strategy=pct (STRESS_STRATEGY, [WithStrategy]): controlled
//     mode's strategy, pct or random.
//   - -stress.depth=3 (STRESS_DEPTH, [WithDepth]): PCT's bug depth.
//   - -stress.checks (STRESS_CHECKS, [WithChecks]): scenarios per batch,
//     200 in stress mode and 5000 in controlled mode.
//   - -stress.duration=0s (STRESS_DURATION, [WithDuration]): keep trying
//     batches until this much time has passed; 0 runs one batch.
//   - -stress.threads=3 (STRESS_THREADS, [WithThreads]): the most parallel
//     threads in a scenario.
//   - -stress.ops=4 (STRESS_OPS, [WithOps]): the most operations per
//     thread.
//   - -stress.init=2 (STRESS_INIT, [WithInit]): the most operations before
//     the parallel part.
//   - -stress.post=1 (STRESS_POST, [WithPost]): the most operations after
//     it (the Spec's Finally come on top).
//   - -stress.runs=200 (STRESS_RUNS, [WithRuns]): executions of each
//     scenario in stress mode.
//   - -stress.seed=0 (STRESS_SEED, [WithSeed]): 0 picks a seed at random
//     and reports it.
//   - -stress.timeout=10s (STRESS_TIMEOUT, [WithTimeout]): how long one
//     execution may run before it is reported as a hang.
//   - -stress.shrinktime=30s (STRESS_SHRINKTIME, [WithShrinkTime]): the
//     most time spent minimizing a failure.
//   - -stress.artifacts (STRESS_ARTIFACTS, [WithArtifacts]): where
//     reports, visualizations and replay files go; interleave under the
//     system's temporary directory.
//   - -stress.replay (STRESS_REPLAY, [WithReplay]): a replay file to run
//     instead of searching, as printed in failure reports.
//   - -stress.v=false (STRESS_V): log progress; -stress.v alone sets it.
//
// # Limits
//
// Test and Run are not compatible with t.Parallel: leak detection counts
// every goroutine of the process, controlled runs are exclusive, and
// rapid's settings are process-wide. Controlled searches run the process
// on one processor (GOMAXPROCS=1) while they last.
package stress
