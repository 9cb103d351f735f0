package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PoolOp names a worker pool operation.
type PoolOp uint8

// The pool operations.
const (
	// PoolSubmit offers a job; the output says whether it was accepted.
	PoolSubmit PoolOp = iota
	// PoolCancel cancels the context the pool runs under.
	PoolCancel
	// PoolClose stops accepting jobs, waits for the workers and returns
	// the report of every accepted job.
	PoolClose
	// PoolSleep is not a pool call: the calling thread lets D of virtual
	// time pass. The model accepts it in any state.
	PoolSleep
)

// PoolJob is a job as the model sees it: an ID unique in the execution
// (the harness assigns it at the call), how long it works, and whether it
// fails.
type PoolJob struct {
	ID   int
	Work time.Duration
	Fail bool
}

// PoolInput is one pool operation.
type PoolInput struct {
	Op  PoolOp
	Job PoolJob       // with PoolSubmit
	D   time.Duration // with PoolSleep
}

// String formats the input as a call.
func (in PoolInput) String() string {
	switch in.Op {
	case PoolSubmit:
		fail := ""
		if in.Job.Fail {
			fail = ", fails"
		}
		if in.Job.ID == 0 { // not numbered yet
			return fmt.Sprintf("Submit(%v%s)", in.Job.Work, fail)
		}
		return fmt.Sprintf("Submit(#%d %v%s)", in.Job.ID, in.Job.Work, fail)
	case PoolCancel:
		return "Cancel()"
	case PoolClose:
		return "Close()"
	default:
		return fmt.Sprintf("Sleep(%v)", in.D)
	}
}

// PoolStatus is how a job ended.
type PoolStatus uint8

// The job outcomes.
const (
	PoolDone      PoolStatus = iota // ran to the end and succeeded
	PoolFailed                      // ran and returned an error of its own
	PoolCancelled                   // not run, or stopped, because the context ended
)

// String names the outcome: done, failed or cancelled.
func (s PoolStatus) String() string {
	switch s {
	case PoolDone:
		return "done"
	case PoolFailed:
		return "failed"
	}
	return "cancelled"
}

// PoolResult is one line of a pool's report.
type PoolResult struct {
	ID     int
	Status PoolStatus
}

// PoolOutput is what a pool operation returned: Accepted for Submit, the
// report for Close (one line per job the pool reported, in any order), the
// zero value for Cancel and Sleep. An output with a field its operation
// does not return is described as the whole struct.
type PoolOutput struct {
	Accepted bool
	Report   []PoolResult
}

// PoolState is what the specification remembers: jobs accepted and not yet
// reported, jobs whose Submit never returned (they may or may not have been
// accepted), and whether the context was cancelled or the pool closed.
type PoolState struct {
	Accepted  []PoolJob
	Maybe     []PoolJob
	Cancelled bool
	Closed    bool
}

// String describes the state for visualizations: the accepted jobs and
// the flags.
func (s PoolState) String() string {
	ids := make([]string, len(s.Accepted))
	for i, j := range s.Accepted {
		ids[i] = fmt.Sprintf("#%d", j.ID)
	}
	return fmt.Sprintf("accepted [%s] cancelled=%v closed=%v", strings.Join(ids, " "), s.Cancelled, s.Closed)
}

func (s PoolState) with(j PoolJob, maybe bool) PoolState {
	if maybe {
		s.Maybe = append(slices.Clip(s.Maybe), j)
	} else {
		s.Accepted = append(slices.Clip(s.Accepted), j)
	}
	return s
}

// Pool specifies a worker pool under a context: Submit is accepted until
// the context is cancelled or the pool closed, and Close reports every
// accepted job exactly once, as done or failed (as the job itself decides)
// or, once the context was cancelled, possibly as cancelled. A job missing
// from the report, reported twice, or reported but never accepted is a
// violation.
func Pool() Model[PoolState, PoolInput, PoolOutput] {
	return Model[PoolState, PoolInput, PoolOutput]{
		Init: func() PoolState { return PoolState{} },
		Step: func(s PoolState, in PoolInput, out PoolOutput) (bool, PoolState) {
			switch in.Op {
			case PoolSubmit:
				open := !s.Cancelled && !s.Closed
				if out.Accepted != open {
					return false, s
				}
				if open {
					s = s.with(in.Job, false)
				}
				return true, s
			case PoolCancel:
				s.Cancelled = true
				return true, s
			case PoolClose:
				ok := reportMatches(s, out.Report)
				return ok, PoolState{Cancelled: s.Cancelled, Closed: true}
			}
			return true, s
		},
		Pending: func(s PoolState, in PoolInput) PoolState {
			switch in.Op {
			case PoolSubmit:
				if !s.Cancelled && !s.Closed {
					return s.with(in.Job, true)
				}
			case PoolCancel:
				s.Cancelled = true
			case PoolClose:
				return PoolState{Cancelled: s.Cancelled, Closed: true}
			}
			return s
		},
		EqualState: func(a, b PoolState) bool {
			return a.Cancelled == b.Cancelled && a.Closed == b.Closed &&
				slices.Equal(a.Accepted, b.Accepted) && slices.Equal(a.Maybe, b.Maybe)
		},
		FormatOutput: func(in PoolInput, out PoolOutput) string {
			switch {
			case in.Op == PoolSubmit && out.Report == nil:
				if out.Accepted {
					return "accepted"
				}
				return "rejected"
			case in.Op == PoolClose && !out.Accepted:
				lines := make([]string, len(out.Report))
				for i, r := range out.Report {
					lines[i] = fmt.Sprintf("#%d %v", r.ID, r.Status)
				}
				return "[" + strings.Join(lines, ", ") + "]"
			case (in.Op == PoolCancel || in.Op == PoolSleep) && !out.Accepted && out.Report == nil:
				return "ok"
			}
			// A field the operation does not return is set: show it all.
			return fmt.Sprintf("%+v", out)
		},
	}
}

// reportMatches reports whether report names every job of s.Accepted once,
// each job of s.Maybe at most once, nothing else, and every status is one
// the job could have ended with.
func reportMatches(s PoolState, report []PoolResult) bool {
	seen := make(map[int]bool, len(report))
	jobs := make(map[int]PoolJob, len(s.Accepted)+len(s.Maybe))
	for _, j := range s.Accepted {
		jobs[j.ID] = j
	}
	for _, j := range s.Maybe {
		jobs[j.ID] = j
	}
	for _, r := range report {
		j, ok := jobs[r.ID]
		if !ok || seen[r.ID] {
			return false
		}
		seen[r.ID] = true
		switch r.Status {
		case PoolDone:
			ok = !j.Fail
		case PoolFailed:
			ok = j.Fail
		default:
			ok = s.Cancelled
		}
		if !ok {
			return false
		}
	}
	for _, j := range s.Accepted {
		if !seen[j.ID] {
			return false
		}
	}
	return true
}
