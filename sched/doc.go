// Package sched provides instrumented concurrency primitives and a
// controlled scheduler that runs managed goroutines one at a time, so that
// a program and a schedule fully determine an execution.
//
// # Primitives
//
// The package mirrors sync/atomic and sync name for name, with the same
// signatures, so that code is checked by swapping the package qualifier
// (by hand, or by a rewriter at build time), the way code checked by
// Rust's loom swaps its imports:
//
//   - atomics: the types [Bool], [Int32], [Int64], [Uint32], [Uint64],
//     [Uintptr], [Pointer] and [Value], and the function forms on plain
//     words ([AddInt64], [LoadInt32], [CompareAndSwapPointer], [OrUint32],
//     ...). A function form and a type at the same address are one
//     variable in the trace.
//   - locks and waiting: [Mutex], [RWMutex] (with RLocker, TryLock,
//     TryRLock), [Locker], [Cond] ([NewCond]), [WaitGroup] (with Go),
//     [Once], [OnceFunc], [OnceValue], [OnceValues] and [Map].
//   - channels: [Chan], made by [MakeChan], with Send, Recv, Recv2, Close,
//     Len, Cap and Range; the zero Chan is a nil channel. [Select] over
//     [Chan.SendCase] and [Chan.RecvCase], with or without default, in
//     place of a select statement: in a controlled run the schedule picks
//     among the ready cases.
//   - goroutines: [Go] starts a managed goroutine; [Yield] is an explicit
//     scheduling point.
//   - time: [Sleep], [Now], [Since], [Until], [After], [NewTimer],
//     [AfterFunc], [Tick] and [NewTicker], on a virtual clock per
//     controlled run that moves only when every managed goroutine is
//     blocked (see time.go).
//   - contexts: [WithCancel], [WithCancelCause], [WithTimeout],
//     [WithTimeoutCause], [WithDeadline], [WithDeadlineCause],
//     [ContextAfterFunc] and [Cause], whose cancels are scheduling points
//     and deadlines on the virtual clock, and [Done], a context's Done as
//     a Chan (see context.go).
//
// Their zero values are ready to use, as sync's are.
//
// With no controlled run active, each behaves as its sync or sync/atomic
// original, panicking on the same misuses with the same messages (a
// negative WaitGroup counter, a nil Value); an atomic costs one atomic
// load more than the raw operation, and most fast paths inline (see the
// benchmarks). The blocking primitives then wait on channels: unlike
// sync's, a goroutine waiting for them is durably blocked inside a
// testing/synctest bubble, so fake time keeps moving. [RWMutex] and
// [WaitGroup] run sync's own algorithms over such channels; [Cond] gives
// each waiter a channel; [Once] is a [Uint32] and a [Mutex]; [Map] is a
// plain map under an [RWMutex], whose Range order is fixed by the
// operations, not by a hash seed. A blocking primitive must not be locked
// in one mode (controlled run or not) and unlocked in the other; a
// WaitGroup's counter is shared by both.
//
// Not done yet: channels made by the standard library (a time.Timer's C;
// a context's Done, but through [Done]), which a Chan cannot wrap, nor a
// Select wait on; sync.Pool (which code can keep using: it only
// caches). Code that blocks on them in a controlled run blocks outside
// the scheduler's sight, and the run ends as a [Hung]. Chan.Len is a
// scheduling point; Cap, which cannot change, is not. Outside controlled
// runs Select is reflect.Select, slower than a select statement.
//
// # Rewriting
//
// What a rewriter maps, with everything else left as it is:
//
//   - sync.X and atomic.X, for every name above, to sched.X: types (in
//     fields, variables, parameters, composite literals), methods and
//     functions alike; sync.Locker to [Locker], an alias.
//   - chan T, <-chan T and chan<- T to Chan[T]; make(chan T) and
//     make(chan T, n) to MakeChan[T](0) and MakeChan[T](n); ch <- v to
//     ch.Send(v); <-ch, v := <-ch and v, ok := <-ch to ch.Recv() and
//     ch.Recv2(); close(ch), len(ch), cap(ch) to ch.Close(), ch.Len(),
//     ch.Cap(); for v := range ch to for v := range ch.Range(); a nil
//     channel to the zero Chan[T]{}.
//   - a select statement to a switch on [Select] (see its doc); its case
//     index is the switch's case, -1 the default.
//   - go f(x) to sched.Go(func() { f(x) }), with the arguments evaluated
//     before, as the go statement does.
//   - the functions of time and context above to their twins
//     (context.AfterFunc to [ContextAfterFunc]), and a call ctx.Done() of
//     the method of context.Context to Done(ctx).
//
// Nothing here needs the rewritten code to change its logic: each twin has
// its original's semantics outside controlled runs.
//
// # Controlled runs
//
// [Execute] runs phases of managed goroutines. Exactly one of them runs at a
// time; every instrumented operation is a point where a [Strategy] decides
// who runs next, and every such operation is recorded as an [Event] with
// its thread, call site and old and new values. Strategies: [NewRandomWalk],
// [NewPCT] (Burckhardt et al., ASPLOS 2010), [NewReplay] of recorded choices,
// and [Explore], which enumerates every schedule up to a preemption bound.
// Choice 0 always means "keep running the current thread", so the simplest
// schedule is the one with the fewest preemptions (switches away from a
// thread that could have gone on).
//
// # Blocking and hangs
//
// A managed goroutine blocked on an instrumented primitive (a [Mutex] or
// [RWMutex] held, a [WaitGroup] not at zero, a [Cond] not signalled) is
// not runnable; Signal wakes the one that has waited longest.
// If no managed goroutine can run, the run ends as a deadlock naming where
// each one waits. If the running goroutine blocks on something the
// scheduler cannot see (a channel, a sync.Mutex, a sleep), a watchdog ends
// the run as a hang and captures every goroutine's stack.
//
// # Rules
//
// One controlled run at a time per process: Execute serializes callers. During
// a run, every goroutine that touches instrumented values must be managed
// (started by Execute or by [Go]). The scheduler cannot ask a goroutine who it
// is, so an unmanaged one passes for the running thread. It is caught if
// it reaches a scheduling point while the thread it passes for waits its
// turn, as goroutines left over from an earlier run (one stuck in a
// [Hung], say) usually do, and the run ends as [Unmanaged]; if it never
// does, its operations are mixed into that thread's trace, and replaying
// the schedule usually shows it. Replaying a schedule must reproduce the same events; when it
// does not, the code did something uninstrumented, and callers should say
// so rather than trust the trace.
package sched

// The scheduler's own rules (the hand-off protocol, the locking rule, how
// a run ends) are written in protocol.go, each with the test that checks
// it.
