// Command interleave is the main job: it runs every shipped subject and
// mutant, shows progress while it works, prints a table of verdicts and
// writes an HTML report that links each failure's interleaving and
// porcupine visualization.
//
// Usage:
//
//	go run ./cmd/interleave [flags]
//
// With no flags it runs every variant in both modes, controlled and
// stress, with a short budget, and exits 0 when every correct variant passed
// and every mutant was caught with the expected kind of failure.
//
// Each variant runs in a child process: the test binary of package
// internal/job, built once, running its TestJob. The subjects are plain
// Go (sync/atomic, sync, channels, context, time); the binary is built
// with them instrumented as interleave test does it (and
// golang.org/x/time/rate too, for the limiter), so that controlled mode
// runs them. Fake-time subjects need
// a *testing.T (testing/synctest bubbles hang off one), which only a test
// binary has, and a child per variant keeps one variant's leaked
// goroutines away from the next one's leak check.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// options are the command's flags, checked.
type options struct {
	subjects, variants []string
	modes              []string
	checks             int
	duration, total    time.Duration
	seed               uint64
	shard, shards      int
	out                string
	json, race         bool
	markdown           bool
	expectPass         bool
	list               bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "test" {
		os.Exit(runTest(os.Args[2:], os.Stdout, os.Stderr)) // test.go
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		return 2
	}
	if opts.list {
		for _, t := range tasks(opts) {
			fmt.Fprintf(stdout, "%-8s %-16s %-10s expect %s\n", t.entry.Subject, t.entry.Variant, t.mode, expected(t.entry, opts))
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rows, err := runAll(ctx, opts, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "interleave:", err)
		return 2
	}
	if err := writeReport(opts, rows, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "interleave:", err)
		return 2
	}
	for _, r := range rows {
		if !r.OK {
			return 1
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("interleave", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		o                          options
		subjects, variants, modeFl string
		shard, expect              string
	)
	fs.StringVar(&subjects, "subjects", "", "comma-separated subjects to run (counter, stack, limiter, pool); default all")
	fs.StringVar(&variants, "variants", "", "comma-separated variants to run (LostUpdate, ABA, ...); default all")
	fs.StringVar(&modeFl, "mode", "both", "stress, controlled, or both")
	fs.IntVar(&o.checks, "checks", 0, "scenarios per variant and mode (0: each test's default)")
	fs.DurationVar(&o.duration, "duration", 0, "keep searching each variant and mode this long (soak runs; 0: one batch of checks)")
	fs.DurationVar(&o.total, "total", 0, "share this much time among all variants and modes (sets -duration)")
	fs.Uint64Var(&o.seed, "seed", 1, "base seed; a run is reproducible from it")
	fs.StringVar(&shard, "shard", "0/1", "run shard i of n (i/n): each shard searches its own range of seeds")
	fs.StringVar(&o.out, "out", "interleave-report", "directory for the HTML report, the JSON summary and the failures' artifacts")
	fs.BoolVar(&o.json, "json", false, "print the summary as JSON instead of a table")
	fs.BoolVar(&o.markdown, "markdown", false, "print the table as Markdown (for a CI job summary)")
	fs.BoolVar(&o.race, "race", false, "build with the race detector")
	fs.StringVar(&expect, "expect", "catalog", `expected verdicts: "catalog" (correct variants pass, mutants are caught) or "pass" (everything must pass)`)
	fs.BoolVar(&o.list, "list", false, "list the subjects and variants and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: interleave [flags]\n\nRuns every shipped subject and mutant and reports the verdicts.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	fail := func(format string, a ...any) (options, error) {
		err := fmt.Errorf(format, a...)
		fmt.Fprintf(stderr, "interleave: %v\n", err)
		fs.Usage()
		return o, err
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments %q", fs.Args())
	}
	o.subjects, o.variants = split(subjects), split(variants)
	switch modeFl {
	case "both":
		o.modes = []string{"controlled", "stress"}
	case "stress", "controlled":
		o.modes = []string{modeFl}
	default:
		return fail("-mode %q: want stress, controlled or both", modeFl)
	}
	switch expect {
	case "catalog":
	case "pass":
		o.expectPass = true
	default:
		return fail(`-expect %q: want "catalog" or "pass"`, expect)
	}
	i, n, ok := strings.Cut(shard, "/")
	var err1, err2 error
	o.shard, err1 = strconv.Atoi(i)
	o.shards, err2 = strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || o.shards < 1 || o.shard < 0 || o.shard >= o.shards {
		return fail("-shard %q: want i/n with 0 <= i < n", shard)
	}
	if o.checks < 0 || o.duration < 0 || o.total < 0 {
		return fail("-checks, -duration and -total must not be negative")
	}
	if o.total > 0 {
		if o.duration > 0 {
			return fail("-total and -duration exclude each other")
		}
		if n := len(tasks(o)); n > 0 {
			o.duration = o.total / time.Duration(n)
		}
	}
	if o.json && o.markdown {
		return fail("-json and -markdown exclude each other")
	}
	if err := checkNames(o.subjects, o.variants); err != nil {
		return fail("%v", err)
	}
	return o, nil
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
