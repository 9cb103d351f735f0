package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/interleave-go/interleave/internal/instrument"
	"github.com/interleave-go/interleave/internal/job"
	"github.com/interleave-go/interleave/subjects/specs"
)

const jobPkg = "github.com/interleave-go/interleave/internal/job"

// subjectPkgs are the packages the job binary instruments, as interleave
// test would, for controlled mode: the subjects and their specs.
var subjectPkgs = []string{"github.com/interleave-go/interleave/subjects/..."}

// subjectRewrite names packages of other modules the subjects use that
// are instrumented too: x/time/rate, so that the limiter's lock, clock
// and timers (Wait) are the scheduler's. It comes from the module cache,
// so instrument rewrites a copy and gives a -modfile that points to it.
var subjectRewrite = []string{"golang.org/x/time/rate"}

// instrumentSubjects prepares the build flags that instrument the
// subjects in the job binary (an -overlay, and a -modfile), and reports
// what it could not instrument.
func instrumentSubjects(ctx context.Context, o options, w io.Writer) ([]string, error) {
	var build []string
	if o.race {
		build = append(build, "-race")
	}
	start := time.Now()
	res, err := instrument.Prepare(instrument.Config{Patterns: subjectPkgs, BuildFlags: build, Rewrite: subjectRewrite})
	if err != nil {
		return nil, err
	}
	printNotes(w, res, ".")
	how := "rewritten"
	if res.Cached {
		how = "from the cache"
	}
	fmt.Fprintf(w, "instrumented %d files of %d packages (%s) in %v\n", res.Files, len(res.Packages), how, time.Since(start).Round(time.Millisecond))
	var flags []string
	if res.Modfile != "" {
		flags = append(flags, "-modfile="+res.Modfile)
	}
	if res.Overlay != "" {
		flags = append(flags, "-overlay="+res.Overlay)
	}
	return flags, nil
}

// checkNames reports subjects or variants that the catalog does not have.
func checkNames(subjects, variants []string) error {
	var knownS, knownV []string
	for _, e := range specs.Catalog() {
		if !slices.Contains(knownS, e.Subject) {
			knownS = append(knownS, e.Subject)
		}
		knownV = append(knownV, e.Variant)
	}
	for _, s := range subjects {
		if !slices.Contains(knownS, s) {
			return fmt.Errorf("unknown subject %q (have %s)", s, strings.Join(knownS, ", "))
		}
	}
	for _, v := range variants {
		if !slices.Contains(knownV, v) {
			return fmt.Errorf("unknown variant %q (have %s)", v, strings.Join(knownV, ", "))
		}
	}
	return nil
}

// task is one entry in one mode.
type task struct {
	entry specs.Entry
	mode  string
}

func tasks(o options) []task {
	var out []task
	for _, e := range specs.Catalog() {
		if len(o.subjects) > 0 && !slices.Contains(o.subjects, e.Subject) ||
			len(o.variants) > 0 && !slices.Contains(o.variants, e.Variant) {
			continue
		}
		for _, m := range o.modes {
			if m == "controlled" && !e.Controlled {
				continue
			}
			out = append(out, task{e, m})
		}
	}
	return out
}

// shardSeed is the seed shard i searches from: each shard gets its own
// range of 2^32 seeds above the base.
func shardSeed(o options) uint64 { return o.seed + uint64(o.shard)<<32 }

// runAll builds the job binary and runs every task in a child process,
// reporting progress on w.
func runAll(ctx context.Context, o options, w io.Writer) ([]job.Result, error) {
	todo := tasks(o)
	if len(todo) == 0 {
		return nil, fmt.Errorf("no variant matches -subjects and -variants in mode %s", strings.Join(o.modes, ", "))
	}
	artifacts, err := filepath.Abs(filepath.Join(o.out, "artifacts"))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "interleave-job-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// The subjects are plain Go: controlled mode needs them instrumented,
	// as interleave test does it. Stress mode runs on the same build, where
	// the instrumented operations perturb the schedule as they run.
	flags, err := instrumentSubjects(ctx, o, w)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "building the job binary%s...\n", map[bool]string{true: " (with -race)"}[o.race])
	bin := filepath.Join(tmp, "job.test")
	args := append([]string{"test", "-c", "-o", bin}, flags...)
	replay := strings.Join(append([]string{"go", "test"}, flags...), " ")
	if o.race {
		args = append(args, "-race")
	}
	build := exec.CommandContext(ctx, "go", append(args, jobPkg)...)
	build.Stdout, build.Stderr = w, w
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building %s: %w", jobPkg, err)
	}
	dir, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", jobPkg).Output()
	if err != nil {
		return nil, fmt.Errorf("locating %s: %w", jobPkg, err)
	}

	var rows []job.Result
	start := time.Now()
	for i, t := range todo {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		fmt.Fprintf(w, "[%2d/%d] %-8s %-16s %-10s ", i+1, len(todo), t.entry.Subject, t.entry.Variant, t.mode)
		jb := job.Job{Entries: []string{t.entry.Name()}, Mode: t.mode, Checks: o.checks, Duration: o.duration, Seed: shardSeed(o), Artifacts: artifacts}
		res, err := runChild(ctx, bin, strings.TrimSpace(string(dir)), replay, jb)
		if err != nil {
			res = job.Result{Subject: t.entry.Subject, Variant: t.entry.Variant, Mode: t.mode, Bug: t.entry.Bug, Verdict: "error: " + err.Error(), Seed: jb.Seed}
		}
		res.Expected = expected(t.entry, o)
		if o.expectPass {
			res.OK = res.Verdict == "pass"
		}
		fmt.Fprintf(w, "%s in %.1fs%s\n", describe(res), res.Seconds, map[bool]string{false: "  UNEXPECTED"}[res.OK])
		rows = append(rows, res)
	}
	fmt.Fprintf(w, "done in %v\n\n", time.Since(start).Round(100*time.Millisecond))
	return rows, nil
}

func expected(e specs.Entry, o options) string {
	if o.expectPass {
		return "pass"
	}
	return e.Expected()
}

// describe says what a result showed, for progress lines.
func describe(r job.Result) string {
	switch {
	case r.Verdict == "pass":
		return fmt.Sprintf("pass (%d executions)", r.Executions)
	case strings.HasPrefix(r.Verdict, "error"):
		return r.Verdict
	}
	return fmt.Sprintf("caught: %s (%s)", r.Verdict, size(r))
}

// size describes a minimal counterexample.
func size(r job.Result) string {
	s := count(r.Threads, "thread") + ", " + count(r.Ops, "op")
	if r.ShownMode == "controlled" {
		s += ", " + count(r.Switches, "switch")
	}
	return s
}

func count(n int, what string) string {
	switch {
	case n == 1:
		return "1 " + what
	case strings.HasSuffix(what, "ch"):
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// runChild runs one job in a child process and reads its result line. A
// failure's replay command runs go test with replay, which names the
// overlay, so that it replays on the instrumented build.
func runChild(ctx context.Context, bin, dir, replay string, jb job.Job) (job.Result, error) {
	data, err := json.Marshal(jb)
	if err != nil {
		return job.Result{}, err
	}
	timeout := 10*time.Minute + 2*jb.Duration
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin, "-test.run=^TestJob$", "-test.v", "-test.count=1", "-test.timeout="+timeout.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), job.Env+"="+string(data), replayEnv+"="+replay)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return job.Result{}, err
	}
	var tail strings.Builder
	cmd.Stderr = &tail
	if err := cmd.Start(); err != nil {
		return job.Result{}, err
	}
	var res *job.Result
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, job.ResultPrefix); ok {
			var r job.Result
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return job.Result{}, fmt.Errorf("reading the child's result: %w", err)
			}
			res = &r
		} else if tail.Len() < 1<<16 {
			tail.WriteString(line + "\n")
		}
	}
	werr := cmd.Wait()
	if res == nil {
		return job.Result{}, fmt.Errorf("the child gave no result (%v):\n%s", werr, lastLines(tail.String(), 30))
	}
	return *res, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
