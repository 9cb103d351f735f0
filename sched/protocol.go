package sched

// The scheduler's rules. Everything below is about controlled runs (a
// scheduler that is active and not perturbing); outside them every
// primitive takes its fast path, the sync or sync/atomic behaviour, and
// none of this applies. Each rule names the test that checks it; the
// rules are checked at every scheduling decision of every schedule of the
// tables in protocol_test.go (checkedStrategy).
//
// # Who may run
//
// R1. At most one managed goroutine of a run executes code of the
// program at a time: the thread s.cur, which "holds the processor". It
// keeps it from the token it receives on its wake channel to its next
// scheduling point (pointAt), where the strategy either keeps it on
// (choose returns it) or picks another, to which it hands the
// processor (handTo) before waiting for its own next token (park).
// (TestProtocolTable: the "one runner" check around every step.)
//
// R2. Only the thread holding the processor changes the controlled state
// of a primitive (a Mutex's held flag, a channel's queues, a Cond's
// waiters, a WaitGroup's counter, a timer), and it does so under s.mu. So
// no wake-up can come between a thread's decision to block and its
// blocking (see block in wait.go).
//
// # The wake channels
//
// R3. Each thread has a wake channel with one slot. A token is sent only
// by handTo, to the thread it makes s.cur, and by endLocked, once per run,
// to every unfinished thread except s.cur. So at every decision every
// wake slot is empty, and after one at most s.cur's holds a token: a send
// on a wake channel never blocks, which is what lets both senders send
// with s.mu held. (checkedStrategy: every slot empty at every decision.)
// A wake channel serves one thread of one run: a worker takes a new one
// for each thread it runs, since a goroutine the scheduler did not start,
// taken for s.cur at a scheduling point, may still wait on the old one
// after its run and would take a turn of the next (TestSelectMatchesStd
// hung, now and then, after TestUnmanagedGoroutine's runs). For the same
// reason a thread reads its wake channel from the thread record under
// s.mu before it parks: a later run may reuse the record, and the race
// detector saw the stray's unlocked read against the reuse's write.
//
// R4. A thread clears its parked flag, under s.mu, right after it takes
// its token and before it runs anything else; it sets parked, under s.mu,
// when it hands the processor on or blocks, and a new thread starts
// parked. So at every decision s.cur is nil or not parked, and every
// other unfinished thread is parked. A scheduling point reached while
// s.cur is parked therefore cannot come from s.cur: it comes from a
// goroutine the scheduler does not manage, and the run ends as Unmanaged.
// (checkedStrategy; TestUnmanagedGoroutine.)
//
// # Locking
//
// R5. s.mu guards the scheduler's state (its threads and their state,
// parked, exiting and blocked-on fields, s.cur, the choices and events,
// aborted, exec) and the controlled state of every primitive. Functions
// whose names end in Locked, and those whose comments say "called with
// (s.)mu held", expect it held (varID also lets the thread holding the
// processor call it without); those that take it themselves (record,
// varOf, ptrID, block, point, park, abandon, ...) must not be called with
// it held, for it is not reentrant. With s.mu held nothing
// waits: the only channel sends are the wake sends of R3, and
// Strategy.Choose, which runs under it, must not call into this package.
// A thread never waits for its token with s.mu held (park releases it
// first), and the watchdog takes it before it declares a hang, so a hang
// is declared between two steps, never in the middle of one.
//
// # Blocking and waking
//
// R6. A thread that must wait calls block: under s.mu it becomes blocked
// on a wait queue (an address: the primitive, or a waiter record of it)
// and hands the processor on; if no thread is runnable, virtual time
// moves to the next timer (fireTimersLocked), and if none fires, the run
// ends as Deadlocked. A waker, holding the processor, makes blocked
// threads runnable (wakeLocked, unblockLocked) under s.mu; a woken
// thread runs only when the strategy picks it. The primitive says whether
// the woken thread was handed what it waited for (a channel waiter's
// done, a select's fired case, a Cond's signal, a WaitGroup at zero) or
// must try again (a Mutex, whose waiters all retry, as sync's do).
// (TestProtocolTable: every primitive blocks in some schedule and every
// schedule completes.)
//
// R7. A primitive's controlled waiters belong to one run (runOf): a
// waiter left by an earlier run, a hung one say, is forgotten, never
// woken.
//
// # How a run ends
//
// R8. endLocked records the outcome once (s.done is closed once), sets
// aborted, and, unless the outcome is Unmanaged, sends every unfinished
// thread other than s.cur its token. From then on no thread is handed the
// processor.
//
// R9. A thread that wakes in an aborted run, reaches a scheduling point
// in one, or starts in one, unwinds: abandon marks it exiting and calls
// runtime.Goexit the first time (a thread that had not started skips its
// function), so its deferred calls run. While exiting, every scheduling
// point returns nil and each primitive passes through without recording
// or waiting (a send that cannot go through is dropped, a lock is not
// taken). Goexit is never called twice on a goroutine, which would cut
// the deferred call that reached the point short: the scheduler cannot
// tell which goroutine calls it, so a point in an ended run is taken for
// s.cur's first one only while s.cur has not finished and is not already
// exiting. So a thread that ends the run, or finds it ended, marks itself
// exiting in the same hold of s.mu (abandonUnlock): released in between,
// a woken thread's deferred call could be taken for its point and mark
// it exiting, and it would then pass through its points for good.
// (TestAbortUnwinds: the deferred calls of every thread left run to
// their end, instrumented ones included, and no goroutine of the run is
// left; TestDeadlockEndUnwindsEveryThread.)
//
// Known limit: after a hang, s.cur is the hung thread, which has not
// finished; until it reaches a point itself, the first point reached in
// another thread's deferred call is taken for its own. That call is cut
// short, and the hung thread, once released, passes through its points
// rather than unwinding at the first.
//
// R10. Execute returns once every thread has finished (s.exited is closed
// when the last one retires), except after a hang, when it waits at most
// hangUnwind for the parked ones (the hung thread cannot be reclaimed
// until what it waits for happens), and after Unmanaged, when it waits
// for none. (TestAbortUnwinds: no goroutine left, the hung one once
// released.)
//
// R11. A hang is declared by the watchdog in Execute's goroutine when no
// scheduling point was reached for a Config.Watchdog period; a run with
// more than Config.MaxSteps points ends as OutOfSteps at the next point.
// (TestAbortUnwinds.)
//
// # Reuse
//
// R13. A run that ends neither Hung nor Unmanaged hands its buffers and
// thread records (scratch), and its mutex with them, to the next run. A
// goroutine the scheduler did not start can outlive the run it loaded
// from active, and lock that run's s.mu later: since the mutex is the
// same, what it touches is ordered with the next run's writes; since
// s.released is set, under s.mu, before the hand-over, every function
// that reads or writes the shared state (pointAt, abandon, block, spawn,
// recordLocked, varID, ptrIDLocked, wakeLocked, unblockLocked,
// waitingLocked) does nothing, or lets the operation pass through, for
// such a goroutine. (TestUnmanagedGoroutine under -race.)
//
// # Fast paths
//
// R12. Outside controlled runs a primitive costs one atomic load more
// than its original, and its fast path is small enough to inline: the
// load of on (or active), then the original operation; everything else is
// in a slow path marked noinline. (TestFastPathsInline.)
