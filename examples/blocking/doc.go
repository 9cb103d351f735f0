// Package blocking is a suite of small concurrent programs, written the
// way Go developers write them, each with a known blocking bug and a
// correct twin. Its tests check that stress.Check finds every bug and
// passes every twin.
//
// The programs in controlled.go and more.go are built on package sched's primitives
// (sched.Go, sched.Mutex, sched.MakeChan, sched.WaitGroup, sched.Cond,
// sched.Select), so stress.Check runs them under controlled scheduling,
// where each failure replays exactly; those in plain.go use sync, channels
// and context, and run in stress mode.
//
// Each bug and its twin differ in a line or two, named in the bug's
// comment:
//
//   - [FetchLeaky], [Fetch]: a send with no receiver after a cancel.
//   - [SumAddInside], [Sum]: WaitGroup.Add inside the goroutine.
//   - [TransferInverted], [Transfer]: two locks taken in opposite orders.
//   - [Gate.OpenUnlocked], [Gate.Open]: a missed Cond signal.
//   - [CollectLossy], [Collect]: a select that drops a message.
//   - [Registry.TotalRecursive], [Registry.Total]: a recursive read lock
//     with a writer waiting.
//   - [Gate.OpenSignal], [Gate.Open]: Cond.Signal where Broadcast was
//     needed.
//   - [ProcessStopEarly], [Process]: a worker that returns early and
//     never drains its channel.
//   - [Stopper.StopCheckThenClose], [Stopper.Stop]: a double close.
//   - [FetchPlainLeaky], [FetchPlain]; [SumPlainAddInside], [SumPlain];
//     [CollectPlainLossy], [CollectPlain]: three of them again on plain
//     Go.
package blocking
