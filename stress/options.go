package stress

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Mode is how executions are run.
type Mode uint8

// The modes.
const (
	// Auto runs controlled mode first when the type under test uses the
	// instrumented primitives of package sched, then stress mode; a
	// stress failure is handed to controlled mode to minimize.
	Auto Mode = iota
	// Stress runs real goroutines released together, many times per
	// scenario. It works on any code, but cannot replay a schedule.
	Stress
	// Controlled runs one goroutine at a time under package sched, so a
	// scenario and a schedule determine the execution, and failures shrink
	// to the fewest context switches.
	Controlled
)

var modeNames = []string{"auto", "stress", "controlled"}

// String returns the mode's name as -stress.mode takes it: auto, stress
// or controlled.
func (m Mode) String() string { return modeNames[m] }

// Strategy is how controlled mode picks schedules.
type Strategy uint8

// The strategies.
const (
	// RandomWalk picks uniformly among runnable threads at every point.
	RandomWalk Strategy = iota
	// PCT gives threads random priorities and demotes the running one at a
	// few random points (depth set by WithDepth).
	PCT
	// POS is partial order sampling (sched.NewPOS): random priorities for
	// the pending operations, drawn again for those that conflict with
	// an operation just done.
	POS
	// LearnedPCT is PCT whose estimate of an execution's length, where
	// it places its priority changes, is measured on the type (one
	// execution before the search) instead of assumed.
	LearnedPCT
	// WindowPCT is LearnedPCT whose priority changes fall, in seven
	// executions of eight, at windows where atomicity violations happen
	// (a thread's write of a variable it has read, or of one its
	// operation has written) or blocking bugs (a wake-up, a Cond's
	// Wait; sched.NewWindowPCT); the number of windows
	// is learned from the measuring execution and the executions that
	// pass.
	WindowPCT
)

var strategyNames = []string{"random", "pct", "pos", "learned-pct", "window-pct"}

// String returns the strategy's name as -stress.strategy takes it:
// random, pct, pos, learned-pct or window-pct.
func (s Strategy) String() string { return strategyNames[s] }

// Option changes how Test and Run work. Options given in code are
// defaults: a -stress.* flag on the command line, or its STRESS_*
// environment twin, overrides them.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMode sets the mode; the default is Auto (flag -stress.mode: auto,
// stress or controlled).
func WithMode(m Mode) Option { return optionFunc(func(c *config) { c.mode = m }) }

// WithStrategy sets the controlled strategy; the default is WindowPCT
// (-stress.strategy: random, pct, pos, learned-pct or window-pct). PCT finds the
// deeper bugs (ABA, a lagging length) many times sooner than a random
// walk, LearnedPCT, whose priority changes fall within the executions,
// sooner than PCT, and WindowPCT, which aims them at atomicity
// violations, sooner than LearnedPCT on most of the shipped mutants and
// examples (ABA: about 7 times); see BenchmarkFirstFailure and the
// README.
func WithStrategy(s Strategy) Option { return optionFunc(func(c *config) { c.strategy = s }) }

// WithDepth sets PCT's bug depth, the number of priority changes in a
// schedule plus one; the default is 3 (-stress.depth).
func WithDepth(d int) Option { return optionFunc(func(c *config) { c.depth = d }) }

// WithChecks sets how many scenarios are tried per batch (-stress.checks).
// In stress mode each runs many times (WithRuns); the default is 200. In
// controlled mode each gets one schedule; the default is 5000, since a
// controlled execution takes some 30 microseconds.
func WithChecks(n int) Option { return optionFunc(func(c *config) { c.checks = n }) }

// WithDuration keeps trying batches of scenarios until d has passed, for
// soak runs; the default, 0, means one batch (-stress.duration).
func WithDuration(d time.Duration) Option { return optionFunc(func(c *config) { c.duration = d }) }

// WithMaxThreads sets the most parallel threads in a scenario; the default
// is 3 (-stress.maxthreads).
func WithMaxThreads(n int) Option { return optionFunc(func(c *config) { c.threads = n }) }

// WithMaxOps sets the most operations per thread; the default is 4
// (-stress.maxops). Spec.Ops draws the operations; this bounds how many.
func WithMaxOps(n int) Option { return optionFunc(func(c *config) { c.ops = n }) }

// WithMaxInit sets the most operations before the parallel part; the
// default is 2 (-stress.maxinit).
func WithMaxInit(n int) Option { return optionFunc(func(c *config) { c.init = n }) }

// WithMaxPost sets the most operations after the parallel part; the
// default is 1 (-stress.maxpost). The Spec's Finally operations come on top.
func WithMaxPost(n int) Option { return optionFunc(func(c *config) { c.post = n }) }

// WithRuns sets how many times stress mode runs each scenario; the default
// is 200 (-stress.runs).
func WithRuns(n int) Option { return optionFunc(func(c *config) { c.runs = n }) }

// WithSeed sets the seed; the default, 0, picks one at random and reports
// it (-stress.seed).
func WithSeed(s uint64) Option { return optionFunc(func(c *config) { c.seed = s }) }

// WithArtifacts sets where reports, visualizations and replay files go;
// the default is interleave under the system's temporary directory
// (-stress.artifacts).
func WithArtifacts(dir string) Option { return optionFunc(func(c *config) { c.artifacts = dir }) }

// WithHangTimeout sets how long one execution may run before it is
// reported as a [Hang]; the default is 5s (-stress.hangtimeout). It is the
// hang watchdog, not a budget for the search or the checker (see
// WithDuration, WithShrinkTime and WithCheckTime).
func WithHangTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.hangTimeout = d })
}

// WithCheckTime bounds the time the linearizability checker may spend on
// one history; the default is 10s (-stress.checktime). A history it cannot
// decide in time is an [Undecided] failure, never a pass.
func WithCheckTime(d time.Duration) Option { return optionFunc(func(c *config) { c.checkTime = d }) }

// WithMaxSteps bounds the scheduling points of one controlled execution;
// the default is 100000 (-stress.maxsteps). An execution that does not end
// within it is a [StepLimit] failure: a livelock, or a loop that waits for
// a thread the schedule never runs.
func WithMaxSteps(n int) Option { return optionFunc(func(c *config) { c.maxSteps = n }) }

// WithReplay replays the failure saved in a replay file instead of
// searching; the default, "", searches (-stress.replay). Failure reports
// print the command that does this.
func WithReplay(path string) Option { return optionFunc(func(c *config) { c.replay = path }) }

// WithShrinkTime bounds the time spent minimizing a failure; the default is
// 30s (-stress.shrinktime).
func WithShrinkTime(d time.Duration) Option { return optionFunc(func(c *config) { c.shrink = d }) }

// WithSubprocess sets whether stress and auto modes search in a child
// process, a copy of the test binary running just this test
// (-stress.subprocess, default true), so that a panic in a goroutine the
// type started, a fatal error of the runtime or, under -race, a data race
// is reported as a failure instead of ending the test binary. false
// searches in the test's own process, as controlled mode always does.
func WithSubprocess(on bool) Option { return optionFunc(func(c *config) { c.subprocess = on }) }

// WithReexec sets whether controlled mode, asked for (WithMode or
// -stress.mode) under plain go test on code that does not use package
// sched, searches in a child process that runs this package's test
// binary built by interleave test, where the code is on sched
// (-stress.reexec, env STRESS_REEXEC, default true). false searches in
// this process, which tests nothing in controlled mode
// (ErrNotInstrumented).
func WithReexec(on bool) Option { return optionFunc(func(c *config) { c.reexec = on }) }

// config is the resolved set of knobs.
type config struct {
	mode        Mode
	strategy    Strategy
	depth       int
	checks      int
	duration    time.Duration
	threads     int
	ops         int
	init        int
	post        int
	runs        int
	seed        uint64
	artifacts   string
	hangTimeout time.Duration
	checkTime   time.Duration
	maxSteps    int
	shrink      time.Duration
	replay      string
	verbose     bool
	// subprocess runs stress and auto searches in a child process.
	subprocess bool
	// reexec re-runs a controlled test instrumented (reexec.go).
	reexec bool
}

func defaults() config {
	return config{
		mode:        Auto,
		strategy:    WindowPCT,
		depth:       3,
		checks:      -1, // the mode's default
		threads:     3,
		ops:         4,
		init:        2,
		post:        1,
		runs:        200,
		artifacts:   filepath.Join(os.TempDir(), "interleave"),
		hangTimeout: 5 * time.Second,
		checkTime:   10 * time.Second,
		maxSteps:    100000,
		shrink:      30 * time.Second,

		subprocess: true,
		reexec:     true,
	}
}

// knob is one flag with its environment twin.
type knob struct {
	name, usage string
	// bind defines the flag on fs, bound to its field of c, with the
	// field's current value as the default.
	bind func(fs *flag.FlagSet, name, usage string, c *config)
}

func intKnob(field func(*config) *int) func(*flag.FlagSet, string, string, *config) {
	return func(fs *flag.FlagSet, name, usage string, c *config) { fs.IntVar(field(c), name, *field(c), usage) }
}

func durKnob(field func(*config) *time.Duration) func(*flag.FlagSet, string, string, *config) {
	return func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.DurationVar(field(c), name, *field(c), usage)
	}
}

func stringKnob(field func(*config) *string) func(*flag.FlagSet, string, string, *config) {
	return func(fs *flag.FlagSet, name, usage string, c *config) { fs.StringVar(field(c), name, *field(c), usage) }
}

var knobs = []knob{
	{"mode", "how executions run, a `mode`: auto, stress or controlled", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.Var(&enumFlag[Mode]{&c.mode, modeNames}, name, usage)
	}},
	{"strategy", "controlled-mode `strategy`: random, pct, pos, learned-pct or window-pct", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.Var(&enumFlag[Strategy]{&c.strategy, strategyNames}, name, usage)
	}},
	{"depth", "PCT bug depth", intKnob(func(c *config) *int { return &c.depth })},
	{"checks", "`number` of scenarios to try per batch (default 200 in stress mode, 5000 in controlled mode)", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.Var(&checksFlag{&c.checks}, name, usage)
	}},
	{"duration", "keep trying batches until this much time has passed, for soak runs (0: one batch)", durKnob(func(c *config) *time.Duration { return &c.duration })},
	{"maxthreads", "most parallel threads in a scenario", intKnob(func(c *config) *int { return &c.threads })},
	{"maxops", "most operations per thread", intKnob(func(c *config) *int { return &c.ops })},
	{"maxinit", "most operations before the parallel part", intKnob(func(c *config) *int { return &c.init })},
	{"maxpost", "most operations after the parallel part", intKnob(func(c *config) *int { return &c.post })},
	{"runs", "executions per scenario in stress mode", intKnob(func(c *config) *int { return &c.runs })},
	{"seed", "seed (0: a random one, reported)", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.Uint64Var(&c.seed, name, c.seed, usage)
	}},
	{"artifacts", "`directory` for reports, visualizations and replay files", stringKnob(func(c *config) *string { return &c.artifacts })},
	{"hangtimeout", "how long one execution may run before it is reported as a hang", durKnob(func(c *config) *time.Duration { return &c.hangTimeout })},
	{"checktime", "most time the linearizability checker spends on one history", durKnob(func(c *config) *time.Duration { return &c.checkTime })},
	{"maxsteps", "most scheduling points of one controlled execution", intKnob(func(c *config) *int { return &c.maxSteps })},
	{"shrinktime", "most time spent minimizing a failure", durKnob(func(c *config) *time.Duration { return &c.shrink })},
	{"replay", "replay `file` to run instead of searching (printed in failure reports)", stringKnob(func(c *config) *string { return &c.replay })},
	{"subprocess", "search in a child process that may crash (stress and auto modes)", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.BoolVar(&c.subprocess, name, c.subprocess, usage)
	}},
	{"reexec", "re-run a controlled-mode test of code not on package sched in a build instrumented by interleave test", func(fs *flag.FlagSet, name, usage string, c *config) {
		fs.BoolVar(&c.reexec, name, c.reexec, usage)
	}},
	{"v", "log progress", func(fs *flag.FlagSet, name, usage string, c *config) { fs.BoolVar(&c.verbose, name, c.verbose, usage) }},
}

// bind defines every knob's flag on fs, bound to c, with c's values as
// the defaults.
func bind(fs *flag.FlagSet, c *config) {
	for _, k := range knobs {
		k.bind(fs, "stress."+k.name, "stress: "+k.usage+" (env "+envName(k.name)+")", c)
	}
}

func envName(knob string) string { return "STRESS_" + strings.ToUpper(knob) }

// renamedKnobs maps knobs' former names to their names now. A former
// flag on the command line is an error of the flag package already; a
// former environment variable is one of resolve, rather than silently
// ignored.
var renamedKnobs = map[string]string{
	"timeout": "hangtimeout",
	"threads": "maxthreads",
	"ops":     "maxops",
	"init":    "maxinit",
	"post":    "maxpost",
}

// enumFlag is a flag.Value for Mode and Strategy.
type enumFlag[E ~uint8] struct {
	p     *E
	names []string
}

// String implements flag.Value.
func (e *enumFlag[E]) String() string {
	if e == nil || e.p == nil || int(*e.p) >= len(e.names) {
		return ""
	}
	return e.names[*e.p]
}

// Set implements flag.Value.
func (e *enumFlag[E]) Set(v string) (err error) {
	*e.p, err = parseEnum[E](v, e.names)
	return err
}

func parseEnum[E ~uint8](v string, names []string) (E, error) {
	for i, n := range names {
		if strings.EqualFold(v, n) {
			return E(i), nil
		}
	}
	return 0, fmt.Errorf("want one of %s", strings.Join(names, ", "))
}

// checksFlag is -stress.checks, whose default depends on the mode: it
// shows no number as its default, and its usage says what the default is.
type checksFlag struct{ p *int }

// String implements flag.Value.
func (f *checksFlag) String() string {
	if f == nil || f.p == nil || *f.p == -1 {
		return ""
	}
	return strconv.Itoa(*f.p)
}

// Set implements flag.Value.
func (f *checksFlag) Set(v string) error {
	n, err := strconv.ParseInt(v, 0, strconv.IntSize)
	if err != nil {
		return errors.New("parse error")
	}
	*f.p = int(n)
	return nil
}

// commandLine holds what the command line said; its defaults are the
// defaults, so that -h shows them.
var commandLine = defaults()

func init() { bind(flag.CommandLine, &commandLine) }

// resolve builds the configuration: defaults, then options, then the
// environment, then flags set on the command line.
func resolve(opts []Option) (config, error) {
	return resolveFrom(flag.CommandLine, flag.Parsed(), opts)
}

// resolveFrom is resolve with the flags of fs, if parsed.
func resolveFrom(fs *flag.FlagSet, parsed bool, opts []Option) (config, error) {
	c := defaults()
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	for old, now := range renamedKnobs {
		if _, ok := os.LookupEnv(envName(old)); ok {
			return c, fmt.Errorf("stress: %s was renamed %s", envName(old), envName(now))
		}
	}
	set := map[string]*flag.Flag{}
	if parsed {
		fs.Visit(func(f *flag.Flag) { set[f.Name] = f })
	}
	// Environment values and set flags are applied to c through flags
	// bound to it, so both parse exactly as the command line does.
	into := flag.NewFlagSet("stress", flag.ContinueOnError)
	bind(into, &c)
	for _, k := range knobs {
		name := "stress." + k.name
		if f, ok := set[name]; ok {
			if err := into.Set(name, f.Value.String()); err != nil {
				return c, fmt.Errorf("stress: -%s=%q: %w", name, f.Value.String(), err)
			}
			continue
		}
		if v, ok := os.LookupEnv(envName(k.name)); ok {
			if err := into.Set(name, v); err != nil {
				return c, fmt.Errorf("stress: %s=%q: %w", envName(k.name), v, err)
			}
		}
	}
	return c, c.validate()
}

func (c config) validate() error {
	switch {
	case c.threads < 1:
		return fmt.Errorf("stress: maxthreads must be at least 1, got %d", c.threads)
	case c.ops < 1:
		return fmt.Errorf("stress: maxops (operations per thread) must be at least 1, got %d", c.ops)
	case c.init < 0 || c.post < 0:
		return fmt.Errorf("stress: maxinit and maxpost must not be negative, got %d and %d", c.init, c.post)
	case c.checks != -1 && c.checks < 1:
		return fmt.Errorf("stress: checks must be at least 1, got %d", c.checks)
	case c.runs < 1:
		return fmt.Errorf("stress: runs must be at least 1, got %d", c.runs)
	case c.depth < 1:
		return fmt.Errorf("stress: PCT depth must be at least 1, got %d", c.depth)
	case c.hangTimeout <= 0:
		return fmt.Errorf("stress: hangtimeout must be positive, got %v", c.hangTimeout)
	case c.checkTime <= 0:
		return fmt.Errorf("stress: checktime must be positive, got %v", c.checkTime)
	case c.maxSteps < 1:
		return fmt.Errorf("stress: maxsteps must be at least 1, got %d", c.maxSteps)
	case c.duration < 0:
		return fmt.Errorf("stress: duration must not be negative, got %v", c.duration)
	case c.artifacts == "":
		return fmt.Errorf("stress: artifacts directory is empty")
	}
	if int(c.mode) >= len(modeNames) || int(c.strategy) >= len(strategyNames) {
		return fmt.Errorf("stress: unknown mode %d or strategy %d", c.mode, c.strategy)
	}
	return nil
}
