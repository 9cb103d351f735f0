package blocking

import "github.com/interleave-go/interleave/sched"

// Registry is a map behind a read-write lock.
type Registry struct {
	mu sched.RWMutex
	m  map[string]int
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{m: map[string]int{}} }

// Get returns the value of k.
func (r *Registry) Get(k string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.m[k]
}

// Set sets the value of k.
func (r *Registry) Set(k string, v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[k] = v
}

// TotalRecursive returns the sum of the values of keys, read together.
//
// Bug: it read-locks, then calls Get, which read-locks again. A writer
// that comes between the two waits for the first read lock, and the
// second waits behind the writer (a waiting writer holds off new
// readers): neither can go on. [Registry.Total] reads the map directly.
func (r *Registry) TotalRecursive(keys ...string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	total := 0
	for _, k := range keys {
		total += r.Get(k)
	}
	return total
}

// Total is [Registry.TotalRecursive] fixed.
func (r *Registry) Total(keys ...string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	total := 0
	for _, k := range keys {
		total += r.m[k]
	}
	return total
}

// OpenSignal opens the gate.
//
// Bug: it wakes one waiter where every waiter must wake; with two
// goroutines waiting, one sleeps forever. [Gate.Open] broadcasts.
func (g *Gate) OpenSignal() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	g.cond.Signal()
}

// ProcessStopEarly hands each job to a worker, which stops at the first
// error, and returns that error.
//
// Bug: the worker returns at the first error and nobody receives the
// jobs after it: the sender blocks forever. [Process] keeps the worker
// draining the channel after an error.
func ProcessStopEarly(jobs []int, handle func(int) error) error {
	ch, errc := sched.MakeChan[int](0), sched.MakeChan[error](1)
	sched.Go(func() {
		for j := range ch.Range() {
			if err := handle(j); err != nil {
				errc.Send(err)
				return
			}
		}
		errc.Send(nil)
	})
	for _, j := range jobs {
		ch.Send(j)
	}
	ch.Close()
	return errc.Recv()
}

// Process is [ProcessStopEarly] fixed.
func Process(jobs []int, handle func(int) error) error {
	ch, errc := sched.MakeChan[int](0), sched.MakeChan[error](1)
	sched.Go(func() {
		var first error
		for j := range ch.Range() {
			if first != nil {
				continue // drain, so that the sender can finish
			}
			first = handle(j)
		}
		errc.Send(first)
	})
	for _, j := range jobs {
		ch.Send(j)
	}
	ch.Close()
	return errc.Recv()
}

// Stopper is closed once, by whichever goroutine stops it first.
type Stopper struct {
	Done    sched.Chan[struct{}]
	stopped sched.Bool
}

// NewStopper returns a running stopper.
func NewStopper() *Stopper { return &Stopper{Done: sched.MakeChan[struct{}](0)} }

// StopCheckThenClose stops s.
//
// Bug: two goroutines can both see it running before either marks it
// stopped, and both close Done: the second close panics. [Stopper.Stop]
// marks it with a compare-and-swap.
func (s *Stopper) StopCheckThenClose() {
	if !s.stopped.Load() {
		s.stopped.Store(true)
		s.Done.Close()
	}
}

// Stop is [Stopper.StopCheckThenClose] fixed.
func (s *Stopper) Stop() {
	if s.stopped.CompareAndSwap(false, true) {
		s.Done.Close()
	}
}
