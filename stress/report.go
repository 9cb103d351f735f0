package stress

import (
	"fmt"
	"github.com/interleave-go/interleave/internal/fsname"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/sched"
)

// Failure is a bug found, minimized, with everything needed to read and
// replay it. Report formats it; the fields are for programs.
type Failure struct {
	Kind Kind
	Test string
	// Mode is the mode of the execution shown: Stress or Controlled.
	Mode Mode
	// Explanation says what the kind means here: for a panic, whose code
	// panicked (the type under test, or the spec's New, model or Check).
	Explanation string
	// Detail says what went wrong beyond the kind: the panic and its
	// stack, the property's error, where goroutines are stuck.
	Detail string
	// Scenario is the minimal scenario, formatted; Threads counts its
	// parallel threads and Size all its operations, as Scenario.Size does
	// (Spec.Ops is the generator that draws them).
	Scenario      string
	Threads, Size int
	// Preemptions counts the context switches of a controlled
	// interleaving that took the processor from a thread that could have
	// gone on.
	Preemptions int
	// Table is the interleaving: a column per thread, a row per step.
	Table string
	// History lists every operation with its result.
	History string
	// Visualization is the porcupine HTML file for a violation.
	Visualization string
	// ReplayFile and Command replay this failure: exactly when Mode is
	// Controlled, as a best effort (the same scenario, real goroutines)
	// in stress mode. Command names the package by import path and
	// carries the build flags of the run (-race, -tags, ...).
	ReplayFile, Command string
	// ReportFile is this report, written to the artifacts directory,
	// which keeps the files of the newest 3 failures of each test.
	ReportFile string
	// FoundBy is the mode whose search found the failure: Stress for a
	// stress failure shown under controlled scheduling, else Mode.
	FoundBy Mode
	// Executions and Elapsed measure that search up to the first failure.
	Executions int
	Elapsed    time.Duration
	Seed       uint64
	// Note is extra information: how the failure was minimized, whether
	// its replay was deterministic.
	Note string

	// wholeOps marks a controlled execution of a type that uses no
	// primitive of package sched: the scheduler could switch threads only
	// between operations, so its count of switches says nothing.
	wholeOps bool
}

// Error returns the report, so a Failure can be returned as an error.
func (f *Failure) Error() string { return f.Report() }

var kindExplanations = map[Kind]string{
	Violation:  "no order of these operations that respects when each was called and returned is a legal run of the sequential model",
	Undecided:  "the linearizability checker could not decide this history in time (never counted as a pass)",
	Property:   "the execution broke the spec's property",
	Panic:      "the type under test panicked",
	Deadlock:   "goroutines remain and none of them can ever run again",
	Hang:       "the execution did not end in time",
	Leak:       "goroutines were still there after the execution ended",
	StepLimit:  "the execution did not end within the scheduler's step bound",
	DataRace:   "the race detector saw two goroutines access the same memory, one of them writing, with nothing ordering the two",
	TestFailed: "the test body reported a failure (T.Error, T.Fatal, ...)",
}

// Report formats the failure: what failed, the minimal scenario, the
// interleaving, the history, the artifacts and the replay command.
func (f *Failure) Report() string {
	var b strings.Builder
	explanation := f.Explanation
	if explanation == "" {
		explanation = kindExplanations[f.Kind]
	}
	fmt.Fprintf(&b, "interleave: %v in %s\n%s\n", f.Kind, f.Test, explanation)
	if f.Detail != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(f.Detail, "\n"))
	}
	fmt.Fprintf(&b, "\nminimal scenario (%d %s, %d %s):\n%s", f.Threads, plural(f.Threads, "thread", "threads"), f.Size, plural(f.Size, "operation", "operations"), f.Scenario)
	switch {
	case f.Mode == Controlled && f.wholeOps:
		fmt.Fprintf(&b, "\ninterleaving (under the scheduler, which saw no operation of package sched: each operation ran whole, and threads could switch only between operations):\n%s", f.Table)
	case f.Mode == Controlled:
		fmt.Fprintf(&b, "\ninterleaving (controlled, %d context %s):\n%s", f.Preemptions, plural(f.Preemptions, "switch", "switches"), f.Table)
	default:
		fmt.Fprintf(&b, "\ninterleaving (stress mode: calls and returns in the order observed):\n%s", f.Table)
	}
	fmt.Fprintf(&b, "\nhistory:\n%s", f.History)
	b.WriteString("\n")
	if f.Visualization != "" {
		fmt.Fprintf(&b, "visualization: %s\n", f.Visualization)
	}
	if f.ReportFile != "" {
		fmt.Fprintf(&b, "report:        %s\n", f.ReportFile)
		fmt.Fprintf(&b, "artifacts:     %s (the newest %d failures of each test are kept)\n", filepath.Dir(f.ReportFile), keepFailures)
	}
	fmt.Fprintf(&b, "replay:        %s\n", f.Command)
	mode := f.FoundBy.String() + " mode"
	if f.wholeOps && f.FoundBy == Controlled {
		mode += ", each operation whole" // the scheduler saw no sched operation
	}
	fmt.Fprintf(&b, "found after %d %s in %v (seed %d, %s)\n", f.Executions, plural(f.Executions, "execution", "executions"), roundTime(f.Elapsed), f.Seed, mode)
	if f.Note != "" {
		fmt.Fprintf(&b, "note: %s\n", f.Note)
	}
	return b.String()
}

// roundTime rounds d for people: to the millisecond, or to the microsecond
// under a millisecond, which would otherwise print as 0s.
func roundTime(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// report turns a found failure into a Failure, writing its artifacts.
func (r *runner[T, I, O]) report(f *found[I], note string) *Failure {
	if f == nil {
		return nil
	}
	sc := f.sc
	out := &Failure{
		Kind:        f.o.kind,
		Test:        r.t.Name(),
		Mode:        f.mode,
		Detail:      f.o.detail,
		Explanation: kindExplanations[f.o.kind],
		Scenario:    r.formatScenario(sc),
		Threads:     len(sc.Threads),
		Size:        sc.Size(),
		Preemptions: f.o.preemptions,
		History:     r.formatHistory(f.o.history, len(sc.Threads)),
		FoundBy:     f.mode,
		Executions:  f.executions,
		Elapsed:     f.elapsed,
		Seed:        r.cfg.seed,
		Note:        note,
		wholeOps:    f.mode == Controlled && !r.sawEvents,
	}
	if f.foundBy != 0 {
		out.FoundBy = f.foundBy
	}
	out.Note = joinNotes(out.Note, f.shrinkNote)
	if f.o.culprit != "" {
		out.Explanation = f.o.culprit
	}
	if r.spec.body != nil && f.o.kind == Panic && (f.o.culprit == "" || f.o.culprit == culpritType) {
		out.Explanation = "the test body panicked, or a goroutine it started did" // Check has no type
	}
	if f.mode == Controlled {
		events := f.o.events
		hang := f.o.kind == Hang && events == nil
		if hang {
			// A hang is run again only to see its events: under a short
			// watchdog, since it stops where it stopped before, and its
			// stuck goroutine, like the first one, is never reclaimed.
			timeout := r.cfg.hangTimeout
			r.cfg.hangTimeout = hangProbe(timeout)
			defer func() { r.cfg.hangTimeout = timeout }()
		}
		if !r.poisoned || hang {
			// Determinism is checked, not assumed: the schedule is run
			// again, this time noting each event and where it happens,
			// and must give the same events (the search recorded only
			// their fingerprint) and the same history.
			again, same := r.rebuild(sc, f.o, true)
			r.total++
			if !same {
				where := ""
				if i := sched.Diverge(f.o.events, again.events); f.o.events != nil && i >= 0 {
					where = fmt.Sprintf(" (they differ from step %d)", i+1)
				}
				out.Note = joinNotes(out.Note, fmt.Sprintf("WARNING: replaying this schedule did not reproduce the same events%s: the type under test does something the scheduler does not see (a plain goroutine, channel, sync primitive or time), so the interleaving above may be wrong", where))
				if events == nil {
					events = again.events // the best there is
				}
			} else {
				events = again.events
				// The details the execution's events make (where each
				// thread last was, who started a goroutine) are the
				// rebuilt ones: the search kept no events.
				if again.kind == f.o.kind && (f.o.events == nil || again.kind == Deadlock || again.kind == StepLimit || strings.HasPrefix(again.detail, blockedHeader)) {
					out.Detail = again.detail // with the sites of the last events
				}
			}
		}
		out.Table = formatEvents(events, len(sc.Threads))
	} else {
		out.Table = r.formatStamps(f.o.history, len(sc.Threads))
	}
	stem := r.artifactStem()
	if f.o.kind == Violation {
		res, err := linearize.Check(r.pm, f.o.history, linearize.Config{Timeout: r.cfg.checkTime, VisualizeDir: r.cfg.artifacts, Name: filepath.Base(stem)})
		if err != nil {
			out.Note = joinNotes(out.Note, err.Error())
		}
		out.Visualization = res.Visualization
	}
	out.Command = r.command(f, stem, out)
	if err := os.MkdirAll(r.cfg.artifacts, 0o755); err == nil {
		path := stem + ".txt"
		out.ReportFile = path
		if os.WriteFile(path, []byte(out.Report()), 0o644) != nil {
			out.ReportFile = ""
		}
		pruneArtifacts(filepath.Dir(stem), r.t.Name(), r.cfg.replay)
	}
	return out
}

// keepFailures is how many failures of each test keep their artifacts.
const keepFailures = 3

// stamped matches what follows a test's name in its artifacts' names: the
// time of the failure.
var stamped = regexp.MustCompile(`^-(\d{8}-\d{6}\.\d{6})[.-]`)

// pruneArtifacts removes from dir the artifacts of test's failures but the
// newest keepFailures, sparing the file keep (a replay being run), so that
// failing runs do not pile up files.
func pruneArtifacts(dir, test, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := fsname.Safe(test)
	byStamp := map[string][]string{}
	var stamps []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		m := stamped.FindStringSubmatch(rest)
		if !ok || m == nil || e.IsDir() {
			continue
		}
		if byStamp[m[1]] == nil {
			stamps = append(stamps, m[1])
		}
		byStamp[m[1]] = append(byStamp[m[1]], filepath.Join(dir, e.Name()))
	}
	slices.Sort(stamps)
	for _, st := range stamps[:max(len(stamps)-keepFailures, 0)] {
		for _, path := range byStamp[st] {
			if keep == "" || !sameFile(path, keep) {
				_ = os.Remove(path)
			}
		}
	}
}

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

func joinNotes(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

// artifactStem returns a fresh path stem in the artifacts directory.
func (r *runner[T, I, O]) artifactStem() string {
	dir, err := filepath.Abs(r.cfg.artifacts)
	if err != nil {
		dir = r.cfg.artifacts
	}
	return filepath.Join(dir, fmt.Sprintf("%s-%s", fsname.Safe(r.t.Name()), time.Now().Format("20060102-150405.000000")))
}

// command writes the replay file and returns the command that replays f.
func (r *runner[T, I, O]) command(f *found[I], stem string, out *Failure) string {
	goTest := "go test " + goTestArgs()
	if c := r.testCommand(); c != "" {
		// Run by interleave test: the replay must be instrumented too.
		goTest = c + " " + goTestArgs()
	}
	run := runPattern(r.t.Name())
	if r.fuzzing {
		return fmt.Sprintf("%s -run '%s' (with the input file the fuzzer saved in testdata/fuzz; go test prints its name)", goTest, run)
	}
	if r.cfg.replay != "" {
		out.ReplayFile = r.cfg.replay
	} else if f.draws != nil || f.probe {
		path := stem + ".replay"
		if err := writeReplay(path, replayFile{
			Test: r.t.Name(), Mode: f.mode.String(), Strategy: r.cfg.strategy.String(), Depth: r.cfg.depth,
			Runs: r.cfg.runs, Bounds: f.bounds, Draws: f.draws, Kind: f.o.kind.String(), Picks: f.picks, Keep: f.sel,
			Seed: r.cfg.seed, Probe: f.probe,
		}); err == nil {
			out.ReplayFile = path
		} else {
			out.Note = joinNotes(out.Note, "could not write the replay file: "+err.Error())
		}
	}
	if out.ReplayFile != "" {
		return fmt.Sprintf("%s -run '%s' -v -stress.replay=%s", goTest, run, out.ReplayFile)
	}
	return fmt.Sprintf("%s -run '%s' -v -stress.seed=%d", goTest, run, r.cfg.seed)
}

// testCommandEnv, set by interleave test, is the command that replaces
// "go test" in replay commands.
const testCommandEnv = "INTERLEAVE_TEST_COMMAND"

// runPattern returns a -run pattern that selects exactly the test name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// goTestArgs returns the build flags of this test binary that change what
// it does (-race above all: a failure found under the race detector's
// scheduling may need it to recur) followed by the package's import path,
// which the go command resolves from anywhere in the module.
func goTestArgs() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return packageDir()
	}
	pkg, isTest := strings.CutSuffix(bi.Path, ".test")
	if !isTest || pkg == "" {
		pkg = packageDir()
	}
	return strings.Join(append(buildFlags(bi.Settings, shellQuote), pkg), " ")
}

// buildFlags returns the go command flags recorded in a binary's build
// settings that a replay must be built with, their values passed through
// quote.
func buildFlags(settings []debug.BuildSetting, quote func(string) string) []string {
	var out []string
	for _, s := range settings {
		switch s.Key {
		case "-race", "-msan", "-asan", "-trimpath":
			if s.Value == "true" {
				out = append(out, s.Key)
			}
		case "-tags", "-gcflags", "-ldflags", "-asmflags":
			if s.Value != "" {
				out = append(out, s.Key+"="+quote(s.Value))
			}
		}
	}
	return out
}

// shellQuote quotes v for a POSIX shell when it needs it.
func shellQuote(v string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./:,=+-]+$`).MatchString(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// packageDir returns the current directory as a go command package path
// relative to the module root ("./subjects/counter"), or ".", for a
// binary without build information.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// formatScenario lists the scenario part by part.
func (r *runner[T, I, O]) formatScenario(sc Scenario[I]) string {
	var b strings.Builder
	line := func(name string, ops []I) {
		if len(ops) == 0 {
			return
		}
		// Runs of the same operation are folded: "Dequeue() ×16".
		var texts []string
		for i := 0; i < len(ops); {
			text, n := r.model.DescribeInput(ops[i]), 1
			for i+n < len(ops) && r.model.DescribeInput(ops[i+n]) == text {
				n++
			}
			if n > 2 {
				text = fmt.Sprintf("%s ×%d", text, n)
			} else if n == 2 {
				texts = append(texts, text)
			}
			texts = append(texts, text)
			i += n
		}
		fmt.Fprintf(&b, "  %-9s %s\n", name+":", strings.Join(texts, "; "))
	}
	line("init", sc.Init)
	for i, th := range sc.Threads {
		line(fmt.Sprintf("thread %d", i+1), th)
	}
	line("post", sc.Post)
	line("finally", finallyOf(r.spec.Finally, sc))
	return b.String()
}

// formatHistory lists the operations with their results, in call order.
func (r *runner[T, I, O]) formatHistory(h []linearize.Operation, threads int) string {
	ops := slices.Clone(h)
	slices.SortStableFunc(ops, func(a, b linearize.Operation) int { return int(a.Call - b.Call) })
	var b strings.Builder
	for _, op := range ops {
		in := op.Input.(I)
		res := "never returned"
		span := fmt.Sprintf("[%d, -]", op.Call)
		if isBlocked(op) {
			res = "blocked"
		} else if !op.Pending {
			res = r.model.DescribeOutput(in, op.Output.(O))
			span = fmt.Sprintf("[%d, %d]", op.Call, op.Return)
		}
		fmt.Fprintf(&b, "  %-9s %-10s %s -> %s\n", threadName(schedThread(op.Thread, op.Call, h, threads), threads), span, r.model.DescribeInput(in), res)
	}
	return b.String()
}

// grid lays out rows of (column, text) with separator lines.
type grid struct {
	cols  []string
	rows  []gridRow
	width []int
}

type gridRow struct {
	step int
	col  int // -1 for a separator
	text string
}

func (g *grid) add(step, col int, text string) {
	g.rows = append(g.rows, gridRow{step, col, text})
}

func (g *grid) String() string {
	const maxWidth = 44
	g.width = make([]int, len(g.cols))
	for i, c := range g.cols {
		g.width[i] = len(c)
	}
	for _, r := range g.rows {
		if r.col >= 0 {
			g.width[r.col] = min(max(g.width[r.col], len([]rune(r.text))), maxWidth)
		}
	}
	var b strings.Builder
	cell := func(s string, w int) string {
		rs := []rune(s)
		if len(rs) > w {
			return string(rs[:w-1]) + "…"
		}
		return s + strings.Repeat(" ", w-len(rs))
	}
	b.WriteString("  step  ")
	for i, c := range g.cols {
		b.WriteString(cell(c, g.width[i]) + "  ")
	}
	b.WriteString("\n")
	total := 0
	for _, w := range g.width {
		total += w + 2
	}
	for _, r := range g.rows {
		if r.col < 0 {
			fmt.Fprintf(&b, "        %s %s\n", strings.Repeat("-", max(total-len(r.text)-2, 4)), r.text)
			continue
		}
		fmt.Fprintf(&b, "  %-4d  ", r.step)
		for i := range g.cols {
			text := ""
			if i == r.col {
				text = r.text
			}
			b.WriteString(cell(text, g.width[i]) + "  ")
		}
		b.WriteString("\n")
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// formatEvents draws a controlled interleaving: a column per thread, a
// row per event, and a line at every context switch.
func formatEvents(events []sched.Event, threads int) string {
	ids := map[int]int{}
	var order []int
	for _, e := range events {
		if _, ok := ids[e.Thread]; !ok {
			ids[e.Thread] = 0
			order = append(order, e.Thread)
		}
	}
	slices.Sort(order)
	g := &grid{}
	started := startedBy(events)
	for i, id := range order {
		ids[id] = i
		name := threadName(id, threads)
		if _, ok := started[id]; ok {
			name = goName(id, threads)
		}
		g.cols = append(g.cols, name)
	}
	names := varNames(events)
	// A run of one thread repeating the same step (a spin loop) shows as
	// its first row and one row saying how often it repeats.
	same, last := 0, gridRow{col: -1}
	flush := func(step int) {
		if same > 0 {
			g.add(step, last.col, fmt.Sprintf("(the same %d more %s, to step %d)", same, plural(same, "time", "times"), step))
		}
		same = 0
	}
	for i, e := range events {
		if e.Switch && i > 0 {
			flush(i)
			if e.Preempt {
				g.add(0, -1, "context switch")
			} else {
				g.add(0, -1, "")
			}
		}
		text := e.ActionNamed(names[e.Var])
		if e.Kind == sched.KindGo {
			var id int
			if _, err := fmt.Sscanf(e.Text, "thread %d", &id); err == nil {
				text = "go " + goName(id, threads)
			}
		}
		if e.Kind != sched.KindCall && e.Kind != sched.KindReturn {
			if site := e.Site(); site != "" {
				text += "  " + shortSite(site)
			}
		}
		row := gridRow{step: i + 1, col: ids[e.Thread], text: text}
		if row.col == last.col && row.text == last.text && !(e.Switch && i > 0) {
			same++
			continue
		}
		flush(i)
		g.add(row.step, row.col, row.text)
		last = row
	}
	flush(len(events))
	return g.String()
}

// startedBy maps each thread that a managed goroutine started (sched.Go)
// to the event that started it: such threads are named g1, g2, ..., not
// after the scenario's parts, whose numbers they may take.
func startedBy(events []sched.Event) map[int]sched.Event {
	m := map[int]sched.Event{}
	for _, e := range events {
		var id int
		if e.Kind == sched.KindGo {
			if _, err := fmt.Sscanf(e.Text, "thread %d", &id); err == nil {
				m[id] = e
			}
		}
	}
	return m
}

// threadLabel names thread id of a scenario with n threads in a detail:
// its threadName, "init" or "thread 1" say, or "goroutine g1" for one that
// sched.Go started (see startedBy).
func threadLabel(id, n int, started map[int]sched.Event) string {
	if _, ok := started[id]; ok {
		return "goroutine " + goName(id, n)
	}
	return threadName(id, n)
}

// shortSite keeps the method and line: "pkg.(*T).Add:31" becomes "Add:31".
func shortSite(site string) string {
	if i := strings.Index(site, ".func"); i >= 0 {
		// A closure: "pkg.TestX.func1.2:18" becomes "TestX.func1.2:18",
		// since "2:18" would say nothing.
		if j := strings.Index(site, "."); j < i {
			return site[j+1:]
		}
	}
	if i := strings.LastIndex(site, "."); i >= 0 {
		return site[i+1:]
	}
	return site
}

// formatStamps draws a stress-mode history: calls and returns in the
// order of their stamps, a column per thread.
func (r *runner[T, I, O]) formatStamps(h []linearize.Operation, threads int) string {
	type ev struct {
		stamp int64
		lane  int
		text  string
	}
	var evs []ev
	for _, op := range h {
		in := op.Input.(I)
		evs = append(evs, ev{op.Call, op.Thread, r.model.DescribeInput(in)})
		if !op.Pending && !isBlocked(op) {
			evs = append(evs, ev{op.Return, op.Thread, "→ " + r.model.DescribeOutput(in, op.Output.(O))})
		}
	}
	slices.SortFunc(evs, func(a, b ev) int { return int(a.stamp - b.stamp) })
	g := &grid{cols: []string{"init/post"}}
	for i := 1; i <= threads; i++ {
		g.cols = append(g.cols, fmt.Sprintf("thread %d", i))
	}
	for i, e := range evs {
		g.add(i+1, e.lane, e.text)
	}
	return g.String()
}
