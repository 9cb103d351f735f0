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
// schedule of one [Scenario] up to a number of preemptions. [Compare]
// tests a type against a reference implementation with no spec to
// write, and [Check] explores any test body.
//
// # Words
//
// One word per idea, here and in packages sched, model and linearize:
//
//   - operation: one call on the value under test (an input I, an output
//     O). Spec.Ops is the generator that draws one, Spec.Run performs
//     it; Scenario.Size and Failure.Size count them.
//   - thread: a sequence of operations run by one goroutine, numbered as
//     package sched numbers them: the sequential init part is thread 0
//     (shown as init), the parallel threads are 1..n, the sequential post
//     part is n+1 (shown as post); goroutines the value starts come after
//     them, shown as g1, g2, ...
//   - scenario: the operations of every thread ([Scenario]). The Max
//     options bound it: [WithMaxThreads], [WithMaxOps] (per thread),
//     [WithMaxInit] and [WithMaxPost]; a knob that bounds something is
//     always named Max (WithMaxSteps too).
//   - execution: one run of a scenario; a search runs many.
//   - schedule: the choices of who runs next at each scheduling point of a
//     controlled execution (sched.Choice); a scenario and a schedule
//     determine it. Its picks (sched.Picks), the index chosen at each
//     choice, replay it (sched.NewReplay).
//   - interleaving: the order of the steps an execution took, as the
//     report's table shows it.
//   - conflicting pair: two accesses to one instrumented variable by
//     threads that can run at once, at least one of them a write, each
//     named by its thread and the kind of operation (a Load of thread 1,
//     a CAS of thread 2); an execution orders it one way or the other
//     (sched.Order). [Coverage] counts the pairs a search saw and the
//     share it saw in both orders: a pair seen one way only is an
//     interleaving never tried.
//   - switch and preemption: a switch passes the processor from one
//     thread to another (sched's Event.Switch); a preemption is a switch
//     that takes it from a thread that could have gone on (Event.Preempt,
//     Failure.Preemptions). Reports call preemptions context switches
//     and count only them: a thread that blocks or returns hands the
//     processor on without one.
//   - hang: an execution that did not end within the hang timeout
//     ([WithHangTimeout]), a watchdog. The time budgets are other knobs:
//     [WithDuration] for the search, [WithShrinkTime] for minimizing,
//     [WithCheckTime] for the linearizability checker.
//   - history: the calls and returns of the operations, with their
//     logical times, that package linearize checks against the model.
//   - model: the sequential specification (package model).
//   - strategy: how controlled mode picks schedules ([Strategy]); a
//     decision is one of its choices (sched.Decision).
//   - verdict: what the linearizability checker found (linearize.Verdict,
//     in a linearize.Finding); a failure's kind says what the whole
//     execution showed.
//   - failure and kind: what was found ([Failure], [Kind]); replay: the
//     file and command that run a failure again.
//
// # Modes
//
// In stress mode ([Stress]) the operations of each thread run on real
// goroutines released together, many times per scenario; instrumented
// operations (package sched) yield now and then to shake up the
// interleavings. It works on any code but cannot replay a schedule.
//
// In controlled mode ([Controlled]) package sched runs one goroutine at a
// time and picks, at every instrumented operation, who runs next
// ([WindowPCT] by default, or [LearnedPCT], [PCT], [POS], [RandomWalk]). A scenario and a schedule then determine
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
//     model, Check or generator), panicked (in a goroutine the type started
//     too).
//   - [Deadlock], "deadlock": goroutines remain and none of them can ever
//     run again.
//   - [Hang], "hang": an execution did not end within
//     -stress.hangtimeout.
//   - [Leak], "goroutine leak": goroutines were left behind after the
//     execution ended.
//   - [StepLimit], "step limit": a controlled execution did not end within
//     the scheduler's step bound.
//   - [DataRace], "data race": under -race, the race detector reported a
//     race during an execution.
//   - [TestFailed], "test failure": a body run by [Check] called
//     [T.Error], [T.Fatal] or their kin, from any of its goroutines.
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
// # Test bodies
//
// [Check] and [CheckRun] take an ordinary test body instead of a Spec:
// a function of a [T] that starts goroutines, uses channels and locks,
// and says what it expects with t.Errorf. Each execution runs it once,
// as the one operation of a one-thread scenario, so every check above
// applies (a goroutine blocked forever is a [Deadlock] under controlled
// scheduling or a [Leak] in stress mode, each reported with the line
// where it waits and the line that started it), and a failed T.Error or
// T.Fatal is a [TestFailed] failure. A body on package sched runs under
// controlled scheduling, where the search is over schedules and a
// failure replays exactly; any other runs in stress mode.
//
// # Operations that block
//
// A model with Blocks (model.Model) says when an operation waits: a
// controlled execution that ends with every remaining operation waiting
// is then checked, each waiting operation placed after every completed
// one with the output model.Blocked, rather than reported as a
// [Deadlock]. Stress mode cannot tell a blocked operation from a slow
// one, so such a spec runs in controlled mode only.
//
// # Crashes
//
// Stress and auto modes search in a child process (the test binary, run
// again for just the test), so that what ends a Go process, a panic in a
// goroutine the type started or a fatal error of the runtime, and under
// -race a data race, is reported as a [Panic] or a [DataRace] failure,
// minimized in further children, with a replay file. [WithSubprocess]
// turns this off.
//
// # Time
//
// A spec with FakeTime runs each execution in a testing/synctest bubble:
// time moves only when every goroutine of the execution is blocked, so
// rate limits and timeouts are exact and nothing sleeps for real. After
// the execution, the clock runs on until every goroutine it started has
// ended, for up to an hour of fake time (and a quarter of the execution
// timeout of real time): a goroutine that waits on a timer (time.Sleep,
// time.After, a Timer) is not a leak. One still there after that is: it
// is blocked where nothing can wake it, or loops on a ticker forever. A
// bubble where every goroutine blocks before the end is a deadlock. Once
// no goroutine of the execution is left, the clock stops: a timer still
// pending then never fires, so a time.AfterFunc callback that has not
// started yet is not checked.
//
// # Leaks
//
// Each execution labels its goroutines (a runtime/pprof label, which the
// goroutines they start inherit), so that only the goroutines it started
// count and are listed: not those of tests running in parallel, nor those
// an earlier execution left behind. Without fake time, a goroutine still
// there after the execution gets half a second to end (20 ms where
// goroutines were already found leaked). A goroutine that a time.AfterFunc
// callback runs on, or that a goroutine older than the execution starts,
// carries no label and is not seen without fake time; in fake time every
// goroutine of the bubble counts.
//
// # Knobs
//
// Options given in code are defaults. Each has a flag and an environment
// twin that override it (the flag wins over the variable), listed here
// with its default; go test -args -h shows them too.
//
//   - -stress.mode=auto (STRESS_MODE, [WithMode]): auto, stress or
//     controlled.
//   - -stress.strategy=window-pct (STRESS_STRATEGY, [WithStrategy]):
//     controlled mode's strategy, window-pct, learned-pct, pct, pos or random.
//   - -stress.depth=3 (STRESS_DEPTH, [WithDepth]): PCT's bug depth.
//   - -stress.checks (STRESS_CHECKS, [WithChecks]): scenarios per batch,
//     200 in stress mode and 5000 in controlled mode.
//   - -stress.duration=0s (STRESS_DURATION, [WithDuration]): keep trying
//     batches until this much time has passed; 0 runs one batch.
//   - -stress.maxthreads=3 (STRESS_MAXTHREADS, [WithMaxThreads]): the most
//     parallel threads in a scenario.
//   - -stress.maxops=4 (STRESS_MAXOPS, [WithMaxOps]): the most operations
//     per thread.
//   - -stress.maxinit=2 (STRESS_MAXINIT, [WithMaxInit]): the most
//     operations before the parallel part.
//   - -stress.maxpost=1 (STRESS_MAXPOST, [WithMaxPost]): the most
//     operations after it (the Spec's Finally come on top).
//   - -stress.runs=200 (STRESS_RUNS, [WithRuns]): executions of each
//     scenario in stress mode.
//   - -stress.seed=0 (STRESS_SEED, [WithSeed]): 0 picks a seed at random
//     and reports it.
//   - -stress.hangtimeout=5s (STRESS_HANGTIMEOUT, [WithHangTimeout]): how
//     long one execution may run before it is reported as a hang.
//   - -stress.checktime=10s (STRESS_CHECKTIME, [WithCheckTime]): the most
//     time the linearizability checker spends on one history; a history
//     it cannot decide is an [Undecided] failure.
//   - -stress.maxsteps=100000 (STRESS_MAXSTEPS, [WithMaxSteps]): the most
//     scheduling points of one controlled execution; more is a
//     [StepLimit] failure.
//   - -stress.shrinktime=30s (STRESS_SHRINKTIME, [WithShrinkTime]): the
//     most time spent minimizing a failure.
//   - -stress.artifacts (STRESS_ARTIFACTS, [WithArtifacts]): where
//     reports, visualizations and replay files go; interleave under the
//     system's temporary directory.
//   - -stress.replay (STRESS_REPLAY, [WithReplay]): a replay file to run
//     instead of searching, as printed in failure reports.
//   - -stress.subprocess=true (STRESS_SUBPROCESS, [WithSubprocess]): in
//     stress and auto modes, search in a child process, so that a crash
//     is a reported failure.
//   - -stress.reexec=true (STRESS_REEXEC, [WithReexec]): in controlled
//     mode under plain go test, on code that does not use package sched,
//     run the search in this package's test binary built by interleave
//     test (built once per test process), where the rewrite puts the code
//     on sched.
//   - -stress.v=false (STRESS_V): log progress; -stress.v alone sets it.
//
// # Limits
//
// In a parallel test (t.Parallel), Test and Run work in stress mode only:
// controlled runs are exclusive and set GOMAXPROCS for the whole process,
// so Controlled is an error there and Auto does not use it. Parallel
// stress tests take turns (rapid's settings and the perturbation of
// package sched are process-wide). Controlled searches run the process on
// one processor (GOMAXPROCS=1) while they last.
package stress
