// Package job is the plumbing between cmd/interleave and the test binary
// that runs its jobs: cmd/interleave builds this package's test binary
// once and hands each TestJob a Job through the environment, and TestJob
// prints a Result per entry and mode. A job needs a *testing.T, because
// fake-time subjects run in testing/synctest bubbles, and only a test
// binary has one.
package job

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// Env is the environment variable through which cmd/interleave hands a
// Job to TestJob, the test that runs it: a job needs a *testing.T, because
// fake-time subjects run in testing/synctest bubbles, and only a test
// binary has one.
const Env = "INTERLEAVE_JOB"

// ResultPrefix starts each line on which TestJob prints a Result.
const ResultPrefix = "INTERLEAVE-RESULT "

// Job says what TestJob runs: which entries ("subject/variant"), in which
// mode, with which budget and seed, and where artifacts go.
type Job struct {
	Entries   []string      `json:"entries"`
	Mode      string        `json:"mode"` // stress or controlled
	Checks    int           `json:"checks,omitempty"`
	Duration  time.Duration `json:"duration,omitempty"`
	Seed      uint64        `json:"seed"`
	Artifacts string        `json:"artifacts,omitempty"`
}

// Result is what one entry did in one mode.
type Result struct {
	Subject  string `json:"subject"`
	Variant  string `json:"variant"`
	Mode     string `json:"mode"`
	Bug      string `json:"bug,omitempty"`
	Expected string `json:"expected"` // "pass", or the kind of failure
	Verdict  string `json:"verdict"`  // "pass", the kind found, or "error: ..."
	OK       bool   `json:"ok"`       // the verdict is the expected one

	Executions int     `json:"executions"`
	Scenarios  int     `json:"scenarios"`
	Seconds    float64 `json:"seconds"`
	Seed       uint64  `json:"seed"`

	// For a failure: how long and how many executions it took to find,
	// and the size of the minimal counterexample.
	FirstExecutions int     `json:"first_executions,omitempty"`
	FirstSeconds    float64 `json:"first_seconds,omitempty"`
	Threads         int     `json:"threads,omitempty"`
	Ops             int     `json:"ops,omitempty"`
	Switches        int     `json:"switches,omitempty"`
	ShownMode       string  `json:"shown_mode,omitempty"` // the mode of the interleaving shown
	FoundBy         string  `json:"found_by,omitempty"`   // the mode whose search found it
	Report          string  `json:"report,omitempty"`
	ReportFile      string  `json:"report_file,omitempty"`
	Visualization   string  `json:"visualization,omitempty"`
	ReplayFile      string  `json:"replay_file,omitempty"`
	Command         string  `json:"command,omitempty"`

	// Coverage says what the controlled search covered, when one ran.
	Coverage *stress.Coverage `json:"coverage,omitempty"`
}

// Read reads the job in Env; ok is false when there is none.
func Read() (job Job, ok bool, err error) {
	s := os.Getenv(Env)
	if s == "" {
		return Job{}, false, nil
	}
	if err := json.Unmarshal([]byte(s), &job); err != nil {
		return Job{}, true, fmt.Errorf("job: %s: %w", Env, err)
	}
	return job, true, nil
}

// ParseMode reads "stress" or "controlled".
func ParseMode(s string) (stress.Mode, error) {
	switch s {
	case "stress":
		return stress.Stress, nil
	case "controlled":
		return stress.Controlled, nil
	}
	return 0, fmt.Errorf("mode %q: want stress or controlled", s)
}

// Run runs entry e in mode under job's budget and says how it went.
func Run(t *testing.T, e specs.Entry, mode stress.Mode, job Job) Result {
	t.Helper()
	res := Result{Subject: e.Subject, Variant: e.Variant, Mode: mode.String(), Bug: e.Bug, Expected: e.Expected(), Seed: job.Seed}
	var opts []stress.Option
	if mode == stress.Stress {
		opts = append(opts, e.Stress...)
	}
	opts = append(opts, stress.WithSeed(job.Seed))
	if job.Checks > 0 {
		opts = append(opts, stress.WithChecks(job.Checks))
	}
	if job.Duration > 0 {
		opts = append(opts, stress.WithDuration(job.Duration))
	}
	if job.Artifacts != "" {
		opts = append(opts, stress.WithArtifacts(job.Artifacts))
	}
	r, err := e.Run(t, mode, opts...)
	res.Executions, res.Scenarios, res.Seconds = r.Executions, r.Scenarios, r.Elapsed.Seconds()
	if r.Coverage.Executions > 0 {
		c := r.Coverage
		res.Coverage = &c
	}
	switch f := r.Failure; {
	case err != nil:
		res.Verdict = "error: " + err.Error()
	case f == nil:
		res.Verdict = "pass"
	default:
		res.Verdict = f.Kind.String()
		res.FirstExecutions, res.FirstSeconds = f.Executions, f.Elapsed.Seconds()
		res.Threads, res.Ops, res.Switches, res.ShownMode, res.FoundBy = f.Threads, f.Size, f.Preemptions, f.Mode.String(), f.FoundBy.String()
		res.Report, res.ReportFile, res.Visualization = f.Report(), f.ReportFile, f.Visualization
		res.ReplayFile, res.Command = f.ReplayFile, f.Command
	}
	res.OK = !e.Mutant() && res.Verdict == "pass" || r.Failure != nil && err == nil && e.Caught(r.Failure.Kind)
	return res
}
