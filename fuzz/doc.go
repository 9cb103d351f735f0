// Package fuzz holds native Go fuzz targets for the shipped subjects, one
// per subject: FuzzCounter, FuzzStack, FuzzLimiter and FuzzPool. Each runs
// the same specs and checks as the subject's stress tests, with the
// scenario (and, for types built on package sched, the schedule) drawn
// from the fuzzer's bytes.
//
// Plain go test runs the seed corpus in testdata/fuzz against the correct
// variants. To fuzz:
//
//	go test -fuzz=FuzzStack -fuzztime=30s ./fuzz
//
// INTERLEAVE_VARIANT selects another variant, a mutant say, to see the
// fuzzer find its bug:
//
//	INTERLEAVE_VARIANT=ABA go test -fuzz=FuzzStack -fuzztime=60s ./fuzz
//
// The fuzzer writes a failing input to testdata/fuzz/FuzzStack/; run with
// the same INTERLEAVE_VARIANT, plain go test replays it. The inputs named
// after a mutant in testdata/fuzz were found that way and are kept as
// regression seeds: TestCrashersReplay checks that each still fails, the
// same way, against its mutant.
//
// # Input format
//
// An input is read the way rapid.MakeFuzz reads it: one 8-byte
// little-endian word per random draw (the number of threads, each
// operation and its arguments, then the schedule). An input that runs out
// is skipped, so any bytes are a valid input.
package fuzz
