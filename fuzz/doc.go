// Package fuzz holds native Go fuzz targets for the shipped subjects, one
// per subject: FuzzCounter, FuzzStack, FuzzLimiter and FuzzPool. Each runs
// the same specs and checks as the subject's stress tests, with the
// scenario (and, on an instrumented build, the schedule) drawn from the
// fuzzer's bytes.
//
// The subjects are plain Go, so the targets run in auto mode: on a build
// instrumented by interleave test, the counter and the stack run in
// controlled mode, the schedule coming from the bytes; under plain go
// test, which cannot instrument them, in stress mode. The limiter and the
// pool run in fake time, which fuzzing runs in stress mode either way.
//
// Plain go test runs each target's seeds against the correct variants,
// with the inputs in testdata/mutants as regression seeds. To fuzz the
// schedules too:
//
//	go run ./cmd/interleave test -fuzz=FuzzStack -fuzztime=30s ./fuzz
//
// INTERLEAVE_VARIANT selects another variant, a mutant say, to see the
// fuzzer find its bug from the target's own seeds:
//
//	INTERLEAVE_VARIANT=ABA go run ./cmd/interleave test -fuzz=FuzzStack -fuzztime=60s ./fuzz
//
// The fuzzer writes the failing input to testdata/fuzz/FuzzStack/; run
// with the same INTERLEAVE_VARIANT, interleave test replays it and writes
// the report's artifacts. go test -fuzz runs the files in testdata/fuzz
// before it fuzzes, so the next run of the same command stops at that
// input at once: delete it, or keep it as a regression input by moving it
// to testdata/mutants/FuzzStack/ABA-<hash>. The inputs there were found
// that way: TestCrashersReplay checks that each still fails, the same
// way, against its mutant (on an instrumented build of this package,
// which it makes with interleave test -c under plain go test), and the
// correct variants get them as seeds. They are not in testdata/fuzz
// because there they would stop every fuzzing run of their mutant before
// it starts.
//
// # Input format
//
// Each byte of an input is one of rapid's draws (the number of threads,
// each operation and its arguments, then the schedule), read as the word
// with that byte in each of its 8 bytes; an input that runs out goes on
// with zeros, rapid's simplest draws. So any bytes are a valid input,
// none is skipped, and an input is a few dozen bytes.
package fuzz
