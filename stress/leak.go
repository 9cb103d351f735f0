package stress

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// How leaks are told from goroutines that are merely not done yet.
//
// Every execution labels the goroutine that runs it with a profiler label
// of its own (runtime/pprof); every goroutine started from there, by the
// threads or by the type under test, inherits it. After the execution,
// only goroutines with that label count: not those of other tests running
// in parallel, nor those an earlier execution left behind.
//
// Without FakeTime, a goroutine that is still there is given a moment to
// exit (leakWait, in growing steps), as goleak does (see leftBehind). With FakeTime, the
// bubble's clock runs on after the execution (settle) until every
// goroutine the execution started has ended, for at most settleHorizon of
// fake time: a goroutine waiting on a timer is not a leak, since it will
// end once time moves. What is left after that is blocked where nothing
// can wake it, or loops on a timer forever.
const (
	// settleHorizon is how much fake time the goroutines an execution
	// leaves behind get to end.
	settleHorizon = time.Hour
	// leakWait is how long, in real time, the goroutines an execution
	// leaves behind get to end without FakeTime; leakWaitKnown, where
	// they are stopped where goroutines were found leaked before.
	leakWait      = 500 * time.Millisecond
	leakWaitKnown = 20 * time.Millisecond
	// labelKey is the profiler label that marks an execution's goroutines.
	labelKey = "interleave.execution"
)

var executionSeq atomic.Uint64

// newLabel returns a new execution's label value and the context that
// carries it, for pprof.SetGoroutineLabels.
func newLabel() (string, context.Context) {
	id := strconv.FormatUint(executionSeq.Add(1), 10)
	return id, pprof.WithLabels(context.Background(), pprof.Labels(labelKey, id))
}

// label marks the calling goroutine, and every goroutine it starts from
// now on, as part of a new execution, and returns the execution's label
// value. Its profiler labels are replaced; unlabel clears them.
func label() string {
	id, ctx := newLabel()
	pprof.SetGoroutineLabels(ctx)
	return id
}

// unlabel clears the calling goroutine's profiler labels.
func unlabel() { pprof.SetGoroutineLabels(context.Background()) }

// leftBehind returns the goroutines labelled id that are still there after
// waiting for them to end, formatted, and how many there are. Only when
// the goroutine count is up from base does it look: reading the goroutine
// profile costs more than a small execution (BenchmarkLeakProfile). The
// count can only err towards no leak, when a goroutine of someone else
// (a parallel test) ends as the execution's is left behind; what is
// reported is exact.
//
// It waits up to leakWait; but where every goroutine left is stopped at a
// place (the same stack) where one already stayed that long, in sites, it
// waits only leakWaitKnown, so that minimizing a leak does not take half a
// second an execution. It adds what it reports to sites.
func leftBehind(id string, base int, sites map[string]bool) (string, int) {
	if runtime.NumGoroutine() <= base {
		return "", 0
	}
	var spent time.Duration
	for try, pause := 0, 10*time.Microsecond; ; try++ {
		if try < 3 && spent == 0 {
			// The threads' goroutines have said they are done, and may
			// not have exited yet: let them.
			runtime.Gosched()
		}
		groups := labelled(id)
		if len(groups) == 0 {
			return "", 0
		}
		known := spent >= leakWaitKnown
		for _, g := range groups {
			known = known && sites[g.stack]
		}
		if known || spent >= leakWait {
			var b strings.Builder
			n := 0
			starts := creators()
			for _, g := range groups {
				sites[g.stack] = true
				n += g.n
				fmt.Fprintf(&b, "%d %s stopped in:\n%s", g.n, plural(g.n, "goroutine", "goroutines"), g.stack)
				if c := starts[entry(g.stack)]; c != "" {
					fmt.Fprintf(&b, "started by %s", c)
				}
				b.WriteString("\n")
			}
			return strings.TrimSuffix(b.String(), "\n"), n
		}
		if try < 3 {
			continue
		}
		pause = min(pause, leakWait-spent, 50*time.Millisecond)
		time.Sleep(pause)
		spent += pause
		pause *= 2
	}
}

// entry returns the last frame of a group's stack, the function the
// goroutines were started with: "pkg.f.func1\n\t/x/y.go:12\n".
func entry(stack string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(stack, "\n"), "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[len(lines)-2] + lines[len(lines)-1] + "\n"
}

// creators maps the entry frame of every goroutine (as entry formats it)
// to the function and line that started it, read from the "created by"
// lines of runtime.Stack, which the goroutine profile leaves out.
func creators() map[string]string {
	buf := make([]byte, 1<<20)
	all := string(buf[:runtime.Stack(buf, true)])
	m := map[string]string{}
	for _, g := range strings.Split(all, "\n\n") {
		lines := strings.Split(strings.TrimSuffix(g, "\n"), "\n")
		n := len(lines)
		if n < 5 || !strings.HasPrefix(lines[n-2], "created by ") {
			continue
		}
		// "pkg.f.func1(...)", "\t/x/y.go:12 +0x2c"
		fn, at := lines[n-4], lines[n-3]
		if i := strings.LastIndex(fn, "("); i > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:i]
		}
		at, _, _ = strings.Cut(at, " +0x")
		by, _, _ := strings.Cut(strings.TrimPrefix(lines[n-2], "created by "), " in goroutine")
		where, _, _ := strings.Cut(lines[n-1], " +0x")
		m[fn+"\n"+at+"\n"] = by + "\n" + where + "\n"
	}
	return m
}

// group is one stack of the goroutine profile and how many goroutines
// are stopped there.
type group struct {
	n     int
	stack string // function, then file:line, a frame a line each
}

// labelled returns the stacks of the goroutines labelled id, grouped as
// the goroutine profile groups them.
func labelled(id string) []group {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return nil
	}
	want := fmt.Sprintf("# labels: {%q:%q}", labelKey, id)
	var groups []group
	for _, text := range strings.Split(buf.String(), "\n\n") {
		lines := strings.Split(text, "\n")
		at := -1
		for i, l := range lines {
			if l == want {
				at = i
				break
			}
		}
		if at < 1 {
			continue
		}
		count, _, _ := strings.Cut(lines[at-1], " @ ")
		n, err := strconv.Atoi(count)
		if err != nil {
			continue
		}
		var stack strings.Builder
		for _, l := range lines[at+1:] {
			// "#\t0x4d1b84\tmain.f+0x24\t/x/y.go:12"
			f := strings.Fields(strings.TrimPrefix(l, "#"))
			if len(f) < 3 {
				continue
			}
			fn, _, _ := strings.Cut(f[1], "+0x")
			fmt.Fprintf(&stack, "%s\n\t%s\n", fn, f[2])
		}
		groups = append(groups, group{n: n, stack: stack.String()})
	}
	return groups
}

// settle runs on the goroutine of a fake-time execution after it ended:
// it lets the bubble's clock run on, in growing steps, until no goroutine
// of the bubble but the caller (and the testing machinery) is left, for
// at most settleHorizon of fake time, or until stop is set (by a real-time
// timer outside the bubble, which starting calls the first time the clock
// has to run, so that a goroutine that loops on a fine ticker cannot
// stall the run). It returns the goroutines still there, described, or
// "". The goroutine count against base says the bubble is quiet, unless
// exact is set (tests may be running in parallel, and one of theirs
// ending would hide one of the bubble's still waiting): then the
// bubble's stacks say it.
func settle(base int, exact bool, starting func(), stop *atomic.Bool) string {
	var id string
	quiet := func() bool {
		if runtime.NumGoroutine() <= base && !exact {
			return true
		}
		if id == "" {
			id = bubbleID()
		}
		return exact && bubbleStacks(id, "running") == ""
	}
	synctest.Wait()
	if quiet() {
		return ""
	}
	starting()
	began := time.Now() // fake time
	for step := time.Millisecond; ; step *= 2 {
		waited := time.Since(began)
		if waited >= settleHorizon || stop.Load() {
			break
		}
		time.Sleep(min(step, settleHorizon-waited))
		synctest.Wait()
		if quiet() {
			return ""
		}
	}
	stacks := bubbleStacks(id, "running")
	if stacks == "" {
		return ""
	}
	if waited := time.Since(began); waited < settleHorizon {
		return fmt.Sprintf("goroutines the execution started were still running after it ended: fake time ran on for %v, until the real-time limit of settling (a quarter of the execution timeout) was spent, and they were still there:\n\n%s", waited, stacks)
	}
	return fmt.Sprintf("goroutines the execution started were still there after it ended: fake time ran on for %v (the horizon) and they did not end; they are blocked where no timer can wake them, or still running (a loop on a ticker that never stops):\n\n%s", settleHorizon, stacks)
}

// inParallel reports whether t is a parallel test or has a parallel
// ancestor, so that other tests may run at the same time. The testing
// package does not export it: it is read from testing's unexported
// isParallel and parent fields (TestParallel checks that it still
// works), and taken as false if they are not there.
func inParallel(t testing.TB) bool {
	tt, ok := t.(*testing.T)
	if !ok || tt == nil {
		return false
	}
	v := reflect.ValueOf(tt).Elem().FieldByName("common")
	for v.IsValid() && v.Kind() == reflect.Struct {
		p := v.FieldByName("isParallel")
		if !p.IsValid() || p.Kind() != reflect.Bool {
			return false
		}
		if p.Bool() {
			return true
		}
		parent := v.FieldByName("parent")
		if !parent.IsValid() || parent.Kind() != reflect.Pointer || parent.IsNil() {
			return false
		}
		v = parent.Elem()
	}
	return false
}
