// Package pool is the article's worker pool: a fixed number of workers
// run tasks from a queue under a context, and report every task's error.
// It keeps the article's bug, a worker that drops a task it has already
// taken off the queue when the context ends, and a pool that leaks its
// workers, as mutants.
//
// It is plain Go (channels, sync, context), as the article writes it:
// interleave runs it under its controlled scheduler through the
// build-time instrumentation (interleave test), like any user's code.
package pool

import (
	"context"
	"errors"
	"sync"
)

// Task is a unit of work. It should return ctx's error if ctx ends first.
type Task func(ctx context.Context) error

// Completion is what became of an accepted task. Err is nil when the task
// succeeded, the task's own error when it failed, and the context's error
// when the context ended before or while it ran.
type Completion struct {
	ID  int
	Err error
}

// Cancelled reports whether the task did not run to its end because the
// pool's context ended.
func (r Completion) Cancelled() bool {
	return errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)
}

// Interface is what every variant implements.
type Interface interface {
	// Submit queues a task, waiting while the queue is full. It reports
	// false, and drops the task, if the pool is closed or its context
	// has ended.
	Submit(id int, task Task) bool
	// Close stops accepting tasks, waits for the workers to finish and
	// returns one Result per accepted task. Call it once.
	Close() []Completion
}

type bug uint8

const (
	correct bug = iota
	dropOnCancel
	leakWorkers
)

// Pool runs tasks on a fixed set of workers. Every task Submit accepts is
// reported exactly once by Close: done, failed, or cancelled when the
// context ends first (a worker that finds the context ended still takes
// queued tasks off the queue, to report them).
//
// Make one with New. It is safe for concurrent use.
type Pool struct {
	ctx     context.Context
	bug     bug
	jobs    chan job
	mu      chan struct{} // a lock, full while held; guards closed
	closed  bool
	workers sync.WaitGroup
	pending sync.WaitGroup // accepted tasks not yet reported
	rmu     sync.Mutex
	results []Completion
}

type job struct {
	id   int
	task Task
}

// NewExactlyOnce starts a pool of workers running tasks under ctx, with room for
// queue tasks waiting.
func NewExactlyOnce(ctx context.Context, workers, queue int) *Pool {
	return start(ctx, workers, queue, correct)
}

// NewDropOnCancel is a MUTANT, the article's pool: a worker that takes a
// task off the queue and then finds the context ended returns at once,
// and the task it holds, like every task still queued, is never run nor
// reported. Close's report is missing accepted tasks.
func NewDropOnCancel(ctx context.Context, workers, queue int) *Pool {
	return start(ctx, workers, queue, dropOnCancel)
}

// NewLeakyWorkers is a MUTANT: Close waits for every accepted task to be
// reported but never tells the workers to stop, so unless the context is
// cancelled they wait on the queue forever: every pool leaks its workers.
func NewLeakyWorkers(ctx context.Context, workers, queue int) *Pool {
	return start(ctx, workers, queue, leakWorkers)
}

func start(ctx context.Context, workers, queue int, b bug) *Pool {
	p := &Pool{ctx: ctx, bug: b, jobs: make(chan job, queue), mu: make(chan struct{}, 1)}
	p.workers.Add(workers)
	for range workers {
		go p.work()
	}
	return p
}

func (p *Pool) work() {
	defer p.workers.Done()
	switch p.bug {
	case dropOnCancel:
		for j := range p.jobs {
			select {
			case <-p.ctx.Done():
				return // the job in hand, and the queue, are lost
			default:
				p.report(j.id, j.task(p.ctx))
			}
		}
	case leakWorkers:
		for {
			select {
			case j := <-p.jobs:
				p.run(j)
			case <-p.ctx.Done():
				for {
					select {
					case j := <-p.jobs:
						p.report(j.id, p.ctx.Err())
					default:
						return
					}
				}
			}
		}
	default:
		for j := range p.jobs {
			p.run(j)
		}
	}
}

// run runs a job unless the context has ended, and reports it.
func (p *Pool) run(j job) {
	if err := p.ctx.Err(); err != nil {
		p.report(j.id, err)
		return
	}
	p.report(j.id, j.task(p.ctx))
}

func (p *Pool) report(id int, err error) {
	p.rmu.Lock()
	p.results = append(p.results, Completion{ID: id, Err: err})
	p.rmu.Unlock()
	p.pending.Done()
}

// lock takes p.mu. Submit holds it while it waits for room in the queue,
// so it is a channel rather than a sync.Mutex: a goroutine waiting for a
// sync.Mutex is not durably blocked, and would stall the fake clock of
// stress mode (testing/synctest) meanwhile.
func (p *Pool) lock()   { p.mu <- struct{}{} }
func (p *Pool) unlock() { <-p.mu }

// Submit queues a task, waiting while the queue is full. It reports false
// if the pool is closed or its context has ended.
func (p *Pool) Submit(id int, task Task) bool {
	p.lock()
	defer p.unlock()
	if p.closed || p.ctx.Err() != nil {
		return false
	}
	p.pending.Add(1)
	select {
	case p.jobs <- job{id, task}:
		return true
	case <-p.ctx.Done():
		p.pending.Done()
		return false
	}
}

// Close stops accepting tasks, waits for the workers and returns a Result
// for every accepted task, in the order they ended.
func (p *Pool) Close() []Completion {
	p.lock()
	p.closed = true
	if p.bug != leakWorkers {
		close(p.jobs)
	}
	p.unlock()
	if p.bug == leakWorkers {
		p.pending.Wait()
	} else {
		p.workers.Wait()
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	return append([]Completion(nil), p.results...)
}

// Variant is one implementation, correct or a mutant.
type Variant struct {
	Name string
	// Bug describes the mutant's bug; empty for a correct variant.
	Bug string
	New func(ctx context.Context, workers, queue int) Interface
}

// Mutant reports whether the variant has a bug on purpose.
func (v Variant) Mutant() bool { return v.Bug != "" }

// Variants lists the pool implementations.
var Variants = []Variant{
	{Name: "ExactlyOnce", New: func(ctx context.Context, w, q int) Interface { return NewExactlyOnce(ctx, w, q) }},
	{Name: "DropOnCancel", Bug: "a worker drops the task in hand, and the queue, when the context ends", New: func(ctx context.Context, w, q int) Interface { return NewDropOnCancel(ctx, w, q) }},
	{Name: "LeakyWorkers", Bug: "Close never stops the workers: they leak", New: func(ctx context.Context, w, q int) Interface { return NewLeakyWorkers(ctx, w, q) }},
}
