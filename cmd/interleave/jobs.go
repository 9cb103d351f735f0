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

// subjectModules are modules the subjects use that are instrumented too:
// x/time/rate, so that the limiter's lock, clock and timers (Wait) are
// the scheduler's.
var subjectModules = []string{"golang.org/x/time"}

// instrumentSubjects prepares the build flags that instrument the
// subjects in the job binary (an -overlay, and a -modfile), and reports
// what it could not instrument.
func instrumentSubjects(ctx context.Context, o options, w io.Writer) ([]string, error) {
	var build []string
	if o.race {
		build = append(build, "-race")
	}
	start := time.Now()
	modfile, err := localModules(ctx, subjectModules)
	if err != nil {
		return nil, err
	}
	build = append(build, "-modfile="+modfile)
	res, err := instrument.Prepare(instrument.Config{Patterns: subjectPkgs, BuildFlags: build})
	if err != nil {
		return nil, err
	}
	printNotes(w, res, ".")
	how := "rewritten"
	if res.Cached {
		how = "from the cache"
	}
	fmt.Fprintf(w, "instrumented %d files of %d packages (%s) in %v\n", res.Files, len(res.Packages), how, time.Since(start).Round(time.Millisecond))
	flags := []string{"-modfile=" + modfile}
	if res.Overlay != "" {
		flags = append(flags, "-overlay="+res.Overlay)
	}
	return flags, nil
}

// localModules returns a go.mod, kept in the user cache directory, that
// is this module's with each of mods replaced by a copy of it out of the
// module cache. The go command refuses an -overlay for files in the
// module cache, so a module to instrument must be elsewhere; replaced by
// a local directory, it is instrumented like the main module.
func localModules(ctx context.Context, mods []string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("locating go.mod: %w", err)
	}
	main := strings.TrimSpace(string(gomod))
	if main == "" || main == os.DevNull {
		return "", fmt.Errorf("the main job runs inside the interleave module")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	root := filepath.Join(cache, "interleave", "job")
	data, err := os.ReadFile(main)
	if err != nil {
		return "", err
	}
	mf := string(data)
	for _, m := range mods {
		out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Version}} {{.Dir}}", m).Output()
		if err != nil {
			return "", fmt.Errorf("locating module %s: %w", m, err)
		}
		version, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		copyDir := filepath.Join(root, "mod", m+"@"+version)
		if err := copyTree(dir, copyDir); err != nil {
			return "", fmt.Errorf("copying module %s: %w", m, err)
		}
		mf += fmt.Sprintf("\nreplace %s => %s\n", m, copyDir)
	}
	modfile := filepath.Join(root, "go.mod")
	sum, err := os.ReadFile(strings.TrimSuffix(main, ".mod") + ".sum")
	if err != nil {
		return "", err
	}
	if err := writeIfChanged(modfile, []byte(mf)); err != nil {
		return "", err
	}
	return modfile, writeIfChanged(filepath.Join(root, "go.sum"), sum)
}

// copyTree copies the files under src to dst, once: a complete copy is
// marked by a file that is written last.
func copyTree(src, dst string) error {
	done := filepath.Join(dst, ".interleave-copied")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// writeIfChanged writes data to path unless it holds it already, so that
// the instrument cache, keyed by file contents, stays valid.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
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
