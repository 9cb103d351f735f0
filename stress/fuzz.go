package stress

import (
	"encoding/binary"
	"flag"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Fuzz returns a fuzz target body for testing.F.Fuzz: it draws one
// scenario from the fuzzer's bytes, runs it, and fails with the report if
// the execution shows a bug.
//
// Each byte of the input is one of rapid's draws (byte b is read as the
// 64-bit word with b in each of its 8 bytes, so 0 is still rapid's
// simplest value and 0xff its largest), and an input that runs out goes
// on with zeros: no input, however short or strange, is skipped or a
// failure of the harness, and every byte the fuzzer changes changes a
// draw. A type that uses package sched runs under controlled scheduling
// with its schedule drawn from the same bytes, so an input always does the
// same thing and the crasher file the fuzzer writes replays the failure
// under plain go test. Other types run in stress mode, once per input
// unless WithRuns says otherwise (in fake time, that is nearly
// deterministic too). Leaked goroutines are seen only in fake-time
// bubbles: the fuzzing engine's own goroutines come and go while an input
// runs.
//
// Failures are not minimized: the fuzzer minimizes inputs itself, running
// the target on thousands of candidates. So while fuzzing (in the
// fuzzer's worker processes) a failure writes no files: its report is the
// message the fuzzer prints. Plain go test, replaying the crasher file,
// writes the report, visualization and all, as Test does.
//
//	func FuzzCounter(f *testing.F) {
//		f.Fuzz(stress.Fuzz(counterSpec()))
//	}
func Fuzz[T, I, O any](spec Spec[T, I, O], opts ...Option) func(*testing.T, []byte) {
	var (
		once   sync.Once
		r      *runner[T, I, O]
		err    error
		mode   Mode
		bound  bounds
		pad    int
		worker bool
		input  *rapid.Generator[fuzzInput[I]]
	)
	return func(t *testing.T, data []byte) {
		t.Helper()
		once.Do(func() {
			r, err = newRunner(t, spec, append([]Option{WithRuns(1)}, opts...))
			if err != nil {
				return
			}
			r.fuzzing = true
			bound = bounds{Threads: r.cfg.threads, Ops: r.cfg.ops, Init: r.cfg.init, Post: r.cfg.post}
			pad = fuzzPadding(bound, r.cfg.strategy, r.cfg.depth)
			mode = Stress
			if !spec.FakeTime && r.cfg.mode != Stress {
				if ok, _ := r.instrumented(); ok || r.cfg.mode == Controlled {
					mode = Controlled
				}
			}
			input = r.fuzzInputs(mode, bound)
			worker = fuzzWorker()
			if worker && mode == Controlled {
				// A worker process runs one input at a time, and
				// controlled executions one goroutine at a time: on one
				// processor, handing it between goroutines is about
				// twice as fast (see serial).
				runtime.GOMAXPROCS(1)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		r.reset(t)
		var st searchState[I] // each input is a search of its own
		var sc Scenario[I]
		var o outcome
		rapid.MakeFuzz(func(rt *rapid.T) {
			in := input.Draw(rt, "input")
			sc = in.sc
			if mode == Stress {
				o = r.runScenario(&st, rt, mode, sc)
				return
			}
			o = r.controlledOnce(sc, r.strategy(in.tape, sc, nil))
			r.executions++
			r.total++
		})(t, fuzzWords(data, pad))
		if o.kind == 0 {
			return
		}
		f := r.note(&st, sc, o, mode, bound)
		if worker {
			// One of the many inputs the fuzzer tries while it
			// minimizes: report without writing artifacts.
			t.Fatal(r.fuzzReport(f).Report())
		}
		t.Fatal(r.report(f, "found by fuzzing, not minimized (the fuzzer minimizes its input)").Report())
	}
}

// fuzzInput is what a fuzz input decodes to: a scenario and, in
// controlled mode, its schedule.
type fuzzInput[I any] struct {
	sc   Scenario[I]
	tape *tape
}

// GoString describes the input in the one line rapid logs for it.
func (in fuzzInput[I]) GoString() string {
	return fmt.Sprintf("a scenario of %d threads and %d operations", len(in.sc.Threads), in.sc.Size())
}

// fuzzInputs draws fuzz inputs within b. It draws the scenario and the
// schedule inside one generator, for rapid.MakeFuzz logs every draw to
// the test's log (the cost of a draw was mostly that log line, and a
// schedule takes dozens of draws), and the draws of a custom generator
// are not logged.
func (r *runner[T, I, O]) fuzzInputs(mode Mode, b bounds) *rapid.Generator[fuzzInput[I]] {
	return rapid.Custom(func(rt *rapid.T) fuzzInput[I] {
		// rapid's slices alone, not draw's longer scenarios: the seeds
		// stay short, leaving the bugs to the fuzzer, and the inputs
		// saved in testdata keep their meaning.
		in := fuzzInput[I]{sc: r.drawScenario(rt, b, false)}
		if mode == Controlled {
			in.tape = r.drawTape(rt, in.sc)
		}
		return in
	})
}

// fuzzWords turns fuzz input into the 8-byte words rapid.MakeFuzz reads:
// one word per byte, the byte repeated in each of the word's bytes, then
// pad zero words.
func fuzzWords(data []byte, pad int) []byte {
	out := make([]byte, 8*(len(data)+pad))
	for i, b := range data {
		binary.LittleEndian.PutUint64(out[8*i:], uint64(b)*0x0101010101010101)
	}
	return out
}

// fuzzPadding returns enough zero draws to finish any scenario within b,
// its schedule included: zeros end every repetition and make the
// simplest values.
func fuzzPadding(b bounds, strategy Strategy, depth int) int {
	ops := b.Threads*b.Ops + b.Init + b.Post
	picks := tapeLen(strategy, depth, ops, b.Threads)
	// A pick is an IntRange draw (a coin, a bit length and the bits);
	// allow a generous 8 draws per operation and per repetition.
	return 3*picks + 16*ops + 4*b.Threads + 64
}

// fuzzWorker reports whether this process is one of the fuzzer's workers
// (go test -fuzz runs the target there), as opposed to plain go test.
func fuzzWorker() bool {
	f := flag.Lookup("test.fuzzworker")
	return f != nil && f.Value.String() == "true"
}

// fuzzReport is the report of a failure seen while fuzzing: everything
// report shows except what needs files (the visualization, the report
// file) or another execution (the determinism check and the event sites).
func (r *runner[T, I, O]) fuzzReport(f *found[I]) *Failure {
	sc := f.sc
	out := &Failure{
		Kind:        f.o.kind,
		Test:        r.t.Name(),
		Mode:        f.mode,
		FoundBy:     f.mode,
		Detail:      f.o.detail,
		Scenario:    r.formatScenario(sc),
		Threads:     len(sc.Threads),
		Size:        sc.Size(),
		Preemptions: f.o.preemptions,
		History:     r.formatHistory(f.o.history, len(sc.Threads)),
		Executions:  f.executions,
		Elapsed:     f.elapsed,
		Seed:        r.cfg.seed,
		Command:     fmt.Sprintf("go test %s -run=%s/NAME, NAME the file the fuzzer saves in testdata/fuzz/%[2]s (it prints the command); that replay writes the full report and its artifacts", goTestArgs(), r.t.Name()),
		Note:        "found by fuzzing; the fuzzer minimizes the input",
	}
	if f.mode == Controlled {
		// The search recorded choices only: run them again for the
		// events (replay is exact; no sites, which cost more).
		events := f.o.events
		if events == nil && !r.poisoned {
			if again, same := r.rebuild(sc, f.o, false); same {
				events = again.events
			}
		}
		out.Table = formatEvents(events, len(sc.Threads))
	} else {
		out.Table = r.formatStamps(f.o.history, len(sc.Threads))
	}
	return out
}

// reset prepares the runner for another input under t; the input's
// search state is its own (see Fuzz).
func (r *runner[T, I, O]) reset(t testing.TB) {
	r.t = t
	r.executions, r.poisoned = 0, false
	r.start = time.Now()
}
