// Package stress is interleave's entry point for tests: it generates
// concurrent scenarios against a type, runs them, checks every history
// against a sequential model, and reports the smallest failing scenario
// and interleaving it can find, with the command that replays it.
//
// A test declares a [Spec] (how to make the value, how to draw and run an
// operation, the model) and calls [Test]; [Run] returns a [Summary]
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
// Every failure kind ([Violation], [Undecided], [Property], [Panic],
// [Deadlock], [Hang], [Leak], [StepLimit]) is reported with one template:
// what failed, the minimal scenario, the interleaving (a column per
// thread, a row per step, each atomic operation with its old and new
// values, a line at each context switch), the history, the porcupine
// visualization and the replay command. Scenarios and schedules are drawn
// through rapid, which shrinks them; controlled failures are then
// minimized further by exhaustive search, operation by operation, and
// replayed once to check that the run is deterministic.
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
// twin that override it: -stress.mode (STRESS_MODE), -stress.strategy,
// -stress.depth, -stress.checks, -stress.duration, -stress.threads,
// -stress.ops, -stress.init, -stress.post, -stress.runs, -stress.seed,
// -stress.artifacts, -stress.timeout, -stress.shrinktime, -stress.replay
// and -stress.v. Reports, visualizations and replay files go to the
// artifacts directory (default: interleave under the system's temporary
// directory).
//
// # Limits
//
// Test and Run are not compatible with t.Parallel: leak detection counts
// every goroutine of the process, controlled runs are exclusive, and
// rapid's settings are process-wide. Controlled searches run the process
// on one processor (GOMAXPROCS=1) while they last.
package stress
