// Package linearize records concurrent histories and checks them for
// linearizability against a sequential model.
//
// # Recording
//
// A [Recorder] holds one lane per thread. A thread calls [Recorder.Call]
// right before an operation and [Recorder.Return] right after; both take a
// stamp from one atomic logical clock, so a stamp cannot move inside the
// operation it brackets (porcupine's issue 40: wall-clock stamps can), and
// there is no lock on the path. Each lane is written only by its thread and
// is published with atomic stores, so [Recorder.History] may be read while a
// hung thread is still inside an operation: that operation comes out
// pending.
//
// # Checking
//
// [Check] runs porcupine with a time budget and returns a [Finding] whose
// [Verdict] is [Linearizable], [NotLinearizable] or [Undecided] (porcupine's
// Ok, Illegal and Unknown). Undecided means the budget ran out: it is never
// a pass. An operation that never returned is given a return stamp after
// everything else and a nil output, which models built with package model
// read as "took effect, result unknown". On NotLinearizable, Check can
// write porcupine's HTML visualization and return its path.
//
// This package returns results; it does not import testing.
package linearize
