package stress

import (
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
)

var strategyNames = []string{"random", "pct"}

func (s Strategy) String() string { return strategyNames[s] }

// Option changes how Test and Run work. Options given in code are
// defaults: a -stress.* flag on the command line, or its STRESS_*
// environment twin, overrides them.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMode sets the mode (flag -stress.mode: auto, stress, controlled).
func WithMode(m Mode) Option { return optionFunc(func(c *config) { c.mode = m }) }

// WithStrategy sets the controlled strategy (-stress.strategy: random, pct).
// The default is PCT, which finds the deeper bugs (ABA, a lagging length)
// many times sooner than a random walk; see BenchmarkFirstFailure.
func WithStrategy(s Strategy) Option { return optionFunc(func(c *config) { c.strategy = s }) }

// WithDepth sets PCT's bug depth (-stress.depth).
func WithDepth(d int) Option { return optionFunc(func(c *config) { c.depth = d }) }

// WithChecks sets how many scenarios are tried (-stress.checks). In
// stress mode each runs many times (WithRuns); the default is 200. In
// controlled mode each gets one schedule; the default is 5000, since a
// controlled execution takes some 30 microseconds.
func WithChecks(n int) Option { return optionFunc(func(c *config) { c.checks = n }) }

// WithDuration keeps trying batches of scenarios until d has passed
// (-stress.duration), for soak runs. Zero means one batch.
func WithDuration(d time.Duration) Option { return optionFunc(func(c *config) { c.duration = d }) }

// WithThreads sets the most parallel threads in a scenario (-stress.threads).
func WithThreads(n int) Option { return optionFunc(func(c *config) { c.threads = n }) }

// WithOps sets the most operations per thread (-stress.ops).
func WithOps(n int) Option { return optionFunc(func(c *config) { c.ops = n }) }

// WithInit sets the most operations before the parallel part (-stress.init).
func WithInit(n int) Option { return optionFunc(func(c *config) { c.init = n }) }

// WithPost sets the most operations after the parallel part (-stress.post).
func WithPost(n int) Option { return optionFunc(func(c *config) { c.post = n }) }

// WithRuns sets how many times stress mode runs each scenario (-stress.runs).
func WithRuns(n int) Option { return optionFunc(func(c *config) { c.runs = n }) }

// WithSeed sets the seed (-stress.seed); 0 picks one at random and
// reports it.
func WithSeed(s uint64) Option { return optionFunc(func(c *config) { c.seed = s }) }

// WithArtifacts sets where reports, visualizations and replay files go
// (-stress.artifacts).
func WithArtifacts(dir string) Option { return optionFunc(func(c *config) { c.artifacts = dir }) }

// WithTimeout sets how long one execution may run before it is a hang
// (-stress.timeout).
func WithTimeout(d time.Duration) Option { return optionFunc(func(c *config) { c.timeout = d }) }

// WithReplay replays the failure saved in a replay file instead of
// searching (-stress.replay); failure reports print the command.
func WithReplay(path string) Option { return optionFunc(func(c *config) { c.replay = path }) }

// WithShrinkTime bounds the time spent minimizing a failure
// (-stress.shrinktime).
func WithShrinkTime(d time.Duration) Option { return optionFunc(func(c *config) { c.shrink = d }) }

// WithSubprocess sets whether stress and auto modes search in a child
// process, a copy of the test binary running just this test
// (-stress.subprocess, default true), so that a panic in a goroutine the
// type started, a fatal error of the runtime or, under -race, a data race
// is reported as a failure instead of ending the test binary. false
// searches in the test's own process, as controlled mode always does.
func WithSubprocess(on bool) Option { return optionFunc(func(c *config) { c.subprocess = on }) }

// config is the resolved set of knobs.
type config struct {
	mode      Mode
	strategy  Strategy
	depth     int
	checks    int
	duration  time.Duration
	threads   int
	ops       int
	init      int
	post      int
	runs      int
	seed      uint64
	artifacts string
	timeout   time.Duration
	shrink    time.Duration
	replay    string
	verbose   bool
	// subprocess runs stress and auto searches in a child process.
	subprocess bool
}

func defaults() config {
	return config{
		mode:      Auto,
		strategy:  PCT,
		depth:     3,
		checks:    -1, // the mode's default
		threads:   3,
		ops:       4,
		init:      2,
		post:      1,
		runs:      200,
		artifacts: filepath.Join(os.TempDir(), "interleave"),
		timeout:   10 * time.Second,
		shrink:    30 * time.Second,

		subprocess: true,
	}
}

// knob is one flag with its environment twin.
type knob struct {
	name, usage string
	set         func(c *config, v string) error
}

var knobs = []knob{
	{"mode", "auto, stress or controlled", func(c *config, v string) (err error) { c.mode, err = parseEnum[Mode](v, modeNames); return }},
	{"strategy", "controlled-mode strategy: random or pct", func(c *config, v string) (err error) {
		c.strategy, err = parseEnum[Strategy](v, strategyNames)
		return
	}},
	{"depth", "PCT bug depth", intKnob(func(c *config) *int { return &c.depth })},
	{"checks", "scenarios to try (per batch)", intKnob(func(c *config) *int { return &c.checks })},
	{"duration", "keep trying batches until this much time has passed (soak runs)", durKnob(func(c *config) *time.Duration { return &c.duration })},
	{"threads", "most parallel threads in a scenario", intKnob(func(c *config) *int { return &c.threads })},
	{"ops", "most operations per thread", intKnob(func(c *config) *int { return &c.ops })},
	{"init", "most operations before the parallel part", intKnob(func(c *config) *int { return &c.init })},
	{"post", "most operations after the parallel part", intKnob(func(c *config) *int { return &c.post })},
	{"runs", "executions per scenario in stress mode", intKnob(func(c *config) *int { return &c.runs })},
	{"seed", "seed (0: random)", func(c *config, v string) (err error) { c.seed, err = strconv.ParseUint(v, 0, 64); return }},
	{"artifacts", "directory for reports, visualizations and replay files", func(c *config, v string) error { c.artifacts = v; return nil }},
	{"timeout", "how long one execution may run before it is reported as a hang", durKnob(func(c *config) *time.Duration { return &c.timeout })},
	{"shrinktime", "most time spent minimizing a failure", durKnob(func(c *config) *time.Duration { return &c.shrink })},
	{"replay", "replay file to run instead of searching (printed in failure reports)", func(c *config, v string) error { c.replay = v; return nil }},
	{"subprocess", "search in a child process that may crash (stress and auto modes)", func(c *config, v string) (err error) { c.subprocess, err = strconv.ParseBool(v); return }},
	{"v", "log progress", func(c *config, v string) (err error) { c.verbose, err = strconv.ParseBool(v); return }},
}

func intKnob(field func(*config) *int) func(*config, string) error {
	return func(c *config, v string) error {
		n, err := strconv.Atoi(v)
		*field(c) = n
		return err
	}
}

func durKnob(field func(*config) *time.Duration) func(*config, string) error {
	return func(c *config, v string) error {
		d, err := time.ParseDuration(v)
		*field(c) = d
		return err
	}
}

func parseEnum[E ~uint8](v string, names []string) (E, error) {
	for i, n := range names {
		if strings.EqualFold(v, n) {
			return E(i), nil
		}
	}
	return 0, fmt.Errorf("want one of %s", strings.Join(names, ", "))
}

// flagValues holds what the command line said, by knob name.
var flagValues = map[string]*string{}

func init() {
	for _, k := range knobs {
		flagValues[k.name] = flag.String("stress."+k.name, "", "stress: "+k.usage+" (env STRESS_"+strings.ToUpper(k.name)+")")
	}
}

// resolve builds the configuration: defaults, then options, then the
// environment, then flags set on the command line.
func resolve(opts []Option) (config, error) {
	c := defaults()
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	set := map[string]bool{}
	if flag.Parsed() {
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	}
	for _, k := range knobs {
		env := "STRESS_" + strings.ToUpper(k.name)
		if v, ok := os.LookupEnv(env); ok && !set["stress."+k.name] {
			if err := k.set(&c, v); err != nil {
				return c, fmt.Errorf("stress: %s=%q: %v", env, v, err)
			}
		}
		if set["stress."+k.name] {
			v := *flagValues[k.name]
			if err := k.set(&c, v); err != nil {
				return c, fmt.Errorf("stress: -stress.%s=%q: %v", k.name, v, err)
			}
		}
	}
	return c, c.validate()
}

func (c config) validate() error {
	switch {
	case c.threads < 1:
		return fmt.Errorf("stress: threads must be at least 1, got %d", c.threads)
	case c.ops < 1:
		return fmt.Errorf("stress: ops per thread must be at least 1, got %d", c.ops)
	case c.init < 0 || c.post < 0:
		return fmt.Errorf("stress: init and post must not be negative, got %d and %d", c.init, c.post)
	case c.checks != -1 && c.checks < 1:
		return fmt.Errorf("stress: checks must be at least 1, got %d", c.checks)
	case c.runs < 1:
		return fmt.Errorf("stress: runs must be at least 1, got %d", c.runs)
	case c.depth < 1:
		return fmt.Errorf("stress: PCT depth must be at least 1, got %d", c.depth)
	case c.timeout <= 0:
		return fmt.Errorf("stress: timeout must be positive, got %v", c.timeout)
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
