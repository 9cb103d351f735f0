package stress

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// A child process's output and its crash: what its standard error says,
// and the report of the scenario it was running, replayed and minimized.

// crashText returns the runtime's report of a panic or fatal error in a
// crashed process's standard error, or "".
func crashText(stderr string) string {
	for _, head := range []string{"panic: ", "fatal error: "} {
		if strings.HasPrefix(stderr, head) {
			return strings.TrimSpace(stderr)
		}
		if i := strings.Index(stderr, "\n"+head); i >= 0 {
			return strings.TrimSpace(stderr[i+1:])
		}
	}
	return ""
}

// relay passes on what the child logged during the call it ran. The
// child runs with -test.v, to print what it logs as it logs it; rapid
// then logs its draws too, which it would not do in a parent that is not
// verbose.
func (r *runner[T, I, O]) relay(stdout string) {
	_, rest, ok := strings.Cut(stdout, childBegin+"\n")
	if !ok {
		return
	}
	rest, _, _ = strings.Cut(rest, childEnd+"\n")
	for _, line := range strings.Split(rest, "\n") {
		line = logPrefix.ReplaceAllString(strings.TrimSpace(line), "")
		if line == "" || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- ") ||
			!testing.Verbose() && strings.HasPrefix(line, "[rapid] ") {
			continue
		}
		r.t.Log(line)
	}
}

// logPrefix is the file:line prefix of a line that t.Log printed.
var logPrefix = regexp.MustCompile(`^[\w.-]+\.go:\d+: `)

// crashed turns a child's crash into a failure: it finds the scenario
// the child was running, minimizes it in children of its own, and
// reports it with a replay file.
func (r *runner[T, I, O]) crashed(c childRun, dir string, index int, prev map[string][]callResult) *Failure {
	// Nothing of the crash may run in this process.
	r.poisoned = true
	// report writes the replay file before it makes the directory.
	_ = os.MkdirAll(r.cfg.artifacts, 0o755)
	execs, scenarios := c.executions()
	r.total, r.scenarios = execs, scenarios
	f := &found[I]{o: outcome{kind: c.kind, detail: c.detail}, mode: Stress, executions: execs, elapsed: time.Since(r.began)}
	rec := c.journal
	var note string
	switch {
	case r.cfg.replay != "":
		rf, err := readReplay(r.cfg.replay)
		if err == nil && r.replayScenario(f, rf) {
			return r.crashReport(f, "replayed from "+r.cfg.replay+"; the child process running it crashed")
		}
		note = "the child process replaying " + r.cfg.replay + " crashed"
	case rec == nil:
		note = "the child process crashed before it said which scenario it ran"
	case rec.Phase == "search":
		f.executions, f.elapsed = rec.Total+1, rec.Elapsed
		draws, drawn, err := r.drawsAt(*rec)
		if err != nil {
			note = err.Error()
			break
		}
		f.mode, f.bounds, f.draws, f.drawn, f.sc = rec.Mode, rec.Bounds, draws, drawn, drawn
		note = r.minimizeCrash(f, dir, index, prev)
		return r.crashReport(f, note)
	case rec.Phase == "probe":
		f.executions, f.elapsed = rec.Total+1, rec.Elapsed
		r.cfg.threads, r.cfg.ops = rec.Bounds.Threads, rec.Bounds.Ops
		f.mode, f.bounds, f.probe = Controlled, rec.Bounds, true
		f.drawn = r.probeScenario()
		f.sc = f.drawn
		note = "found by the first, probing execution, under controlled scheduling; " + r.minimizeCrash(f, dir, index, prev)
		return r.crashReport(f, note)
	default:
		f.executions, f.elapsed = rec.Total+1, rec.Elapsed
		if rec.Mode != Auto {
			f.mode = rec.Mode // the mode of the search whose failure it minimized
		}
		note = fmt.Sprintf("the child process crashed while it %s; the scenario it ran is not known", map[string]string{
			"shrink": "minimized a failure", "minimize": "minimized a failure", "replay": "replayed a failure",
		}[rec.Phase])
	}
	out := r.crashReport(f, note)
	out.Scenario = "  (not known)\n"
	r.rewriteReport(out)
	return out
}

// crashReport reports a crash: the process died during the execution, so
// there is no history to show.
func (r *runner[T, I, O]) crashReport(f *found[I], note string) *Failure {
	out := r.report(f, note)
	out.Table = "  (none: the process crashed)\n"
	out.History = "  (none: the process crashed)\n"
	r.rewriteReport(out)
	return out
}

// rewriteReport writes the report file again after a change.
func (r *runner[T, I, O]) rewriteReport(out *Failure) {
	if out.ReportFile != "" {
		_ = os.WriteFile(out.ReportFile, []byte(out.Report()), 0o644)
	}
}

// replayScenario fills in f's scenario from a replay file, drawing it
// without running it.
func (r *runner[T, I, O]) replayScenario(f *found[I], rf replayFile) bool {
	if rf.Probe {
		if rf.Bounds.Threads > 0 && rf.Bounds.Ops > 0 {
			r.cfg.threads, r.cfg.ops = rf.Bounds.Threads, rf.Bounds.Ops
		}
		f.drawn, f.probe, f.mode = r.probeScenario(), true, Controlled
	} else {
		t, ok := r.t.(*testing.T)
		if !ok {
			return false
		}
		ran := false
		t.Run("replay", func(t *testing.T) {
			rapid.MakeFuzz(func(rt *rapid.T) {
				f.drawn, ran = r.draw(rt, rf.Bounds), true
			})(t, drawsToBytes(rf.Draws))
		})
		if !ran {
			return false
		}
		if mode, err := parseEnum[Mode](rf.Mode, modeNames); err == nil {
			f.mode = mode
		}
	}
	f.sc, f.sel, f.draws, f.bounds, f.picks = f.drawn, rf.Keep, rf.Draws, rf.Bounds, rf.Picks
	if rf.Keep != nil {
		f.sc = apply(f.drawn, *rf.Keep)
	}
	return true
}

// drawsAt draws again, without running anything, the scenario a search
// drew as call rec.Index of the batch with rapid seed rec.Seed, and
// returns rapid's draws for it (from the fail file rapid writes when
// that one scenario is made to fail) and the scenario.
func (r *runner[T, I, O]) drawsAt(rec journalRecord) ([]uint64, Scenario[I], error) {
	n := 0
	var target string
	var drawn Scenario[I]
	prop := func(rt *rapid.T) {
		n++
		sc := r.draw(rt, rec.Bounds)
		key := fmt.Sprintf("%#v", sc)
		if rec.Mode == Controlled {
			key += fmt.Sprint(r.drawTape(rt, sc).vals)
		}
		if n == rec.Index {
			target, drawn = key, sc
		}
		if target != "" && key == target {
			rt.Fatal("the scenario that crashed")
		}
	}
	// rapid runs a fifth of the checks under -short: ask for more than
	// enough, the target fails first. The fail file rapid writes can be
	// lost to another process cleaning up the same testdata directory:
	// try again then.
	var err error
	for try := 0; try < 3; try++ {
		n, target = 0, ""
		var draws []uint64
		var failed bool
		var log string
		draws, failed, log, err = rapidCheck(5*rec.Index+5, rec.Seed, "200ms", prop)
		if err == nil && failed && draws != nil {
			return draws, drawn, nil
		}
		if err == nil {
			err = fmt.Errorf("stress: could not draw again the scenario that crashed (call %d of rapid seed %d); rapid said:\n%s", rec.Index, rec.Seed, strings.TrimSpace(log))
		}
	}
	return nil, drawn, err
}

// minimizeCrash checks that a child running the crashing scenario alone
// crashes the same way, then removes operations from it as long as a
// child running what is left still does, within the shrink time, and
// returns a note on what it did.
func (r *runner[T, I, O]) minimizeCrash(f *found[I], dir string, index int, prev map[string][]callResult) string {
	deadline := time.Now().Add(min(r.cfg.shrink, 20*time.Second))
	children := 0
	crashes := func(sel selection) (string, bool, error) {
		path := filepath.Join(dir, fmt.Sprintf("candidate-%d.replay", children))
		err := writeReplay(path, replayFile{
			Test: r.t.Name(), Mode: f.mode.String(), Strategy: r.cfg.strategy.String(), Depth: r.cfg.depth,
			Runs: r.cfg.runs, Bounds: f.bounds, Draws: f.draws, Kind: f.o.kind.String(), Keep: &sel,
			Seed: r.cfg.seed, Probe: f.probe,
		})
		if err != nil {
			return "", false, err
		}
		c := r.startChild(dir, index, prev, []string{"-stress.replay=" + path})
		children++
		execs, scenarios := c.executions()
		r.total, r.scenarios = r.total+execs, r.scenarios+scenarios
		return c.detail, c.res == nil && c.err == nil && c.kind == f.o.kind, nil
	}
	all := selectAll(f.drawn, len(r.spec.Finally))
	f.sel = &all
	if _, ok, err := crashes(all); err != nil {
		return "not minimized: " + err.Error()
	} else if !ok {
		return "WARNING: run alone, this scenario did not crash again: the crash may have come from a goroutine an earlier scenario left behind"
	}
	for improved := true; improved && time.Now().Before(deadline); {
		improved = false
		for _, cand := range smaller(*f.sel) {
			sc := apply(f.drawn, cand)
			if len(sc.Threads) == 0 {
				continue
			}
			detail, ok, err := crashes(cand)
			if err != nil {
				return "not minimized: " + err.Error()
			}
			if ok {
				f.sc, f.sel, f.o.detail = sc, &cand, detail
				improved = true
				break
			}
			if time.Now().After(deadline) {
				break
			}
		}
	}
	return fmt.Sprintf("the child process running the search crashed; the scenario crashed again alone and was minimized in %d more %s", children, plural(children, "child", "children"))
}
