package stress_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/sched"
	"github.com/interleave-go/interleave/stress"
)

// Plain concurrent types, written the way people write them (no package
// sched), each tested below with one call and no model code.

// MutexQueue is a FIFO queue of ints behind a mutex. Correct.
type MutexQueue struct {
	mu    sync.Mutex
	items []int
}

func NewMutexQueue() *MutexQueue { return &MutexQueue{} }

func (q *MutexQueue) Enqueue(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, v)
}

func (q *MutexQueue) Dequeue() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Take is Dequeue that gives up when ctx is done, and fails on empty.
func (q *MutexQueue) Take(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if v, ok := q.Dequeue(); ok {
		return v, nil
	}
	return 0, errEmpty
}

func (q *MutexQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

var errEmpty = errors.New("queue: empty")

// SliceQueue is the sequential reference: not safe for concurrent use.
type SliceQueue struct{ items []int }

func NewSliceQueue() *SliceQueue { return &SliceQueue{} }

func (q *SliceQueue) Enqueue(v int) { q.items = append(q.items, v) }

func (q *SliceQueue) Dequeue() (int, bool) {
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

func (q *SliceQueue) Take(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if v, ok := q.Dequeue(); ok {
		return v, nil
	}
	return 0, errEmpty
}

func (q *SliceQueue) Len() int { return len(q.items) }

// StripedCounter spreads additions over many stripes, picked at random,
// so that cores do not contend. Add is fine; Sum reads the stripes one
// after the other, so it can count a later Add and miss an earlier one
// and return a total the counter never had. A bug.
type StripedCounter struct {
	stripes [4096]atomic.Int64
}

func NewStripedCounter() *StripedCounter { return new(StripedCounter) }

func (c *StripedCounter) Add(d int) {
	c.stripes[rand.IntN(len(c.stripes))].Add(int64(d))
}

func (c *StripedCounter) Sum() int {
	var s int64
	for i := range c.stripes {
		s += c.stripes[i].Load()
	}
	return int(s)
}

// AtomicCounter is the same counter on one atomic. Correct.
type AtomicCounter struct{ n atomic.Int64 }

func NewAtomicCounter() *AtomicCounter { return new(AtomicCounter) }

func (c *AtomicCounter) Add(d int) { c.n.Add(int64(d)) }
func (c *AtomicCounter) Sum() int  { return int(c.n.Load()) }

// SyncCache is a map on sync.Map. Correct.
type SyncCache struct{ m sync.Map }

func NewSyncCache() *SyncCache { return new(SyncCache) }

func (c *SyncCache) Load(k string) (int, bool) {
	v, ok := c.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (c *SyncCache) LoadOrStore(k string, v int) (int, bool) {
	old, loaded := c.m.LoadOrStore(k, v)
	return old.(int), loaded
}

func (c *SyncCache) Delete(k string) { c.m.Delete(k) }

// quick keeps these tests short and seeded. Stress mode is the only mode
// for plain types; seeded, it still depends on how the goroutines meet,
// which is why the bugs below have windows wide enough to be met every
// time.
func quick(seed uint64) []stress.Option {
	return []stress.Option{stress.WithSeed(seed), stress.WithChecks(100), stress.WithRuns(200), stress.WithShrinkTime(2 * time.Second)}
}

func TestCompareQueue(t *testing.T) {
	stress.Compare(t, NewMutexQueue, NewSliceQueue, quick(1)...)
}

func TestCompareCounter(t *testing.T) {
	stress.Compare(t, NewAtomicCounter, NewAtomicCounter, quick(4)...) // the striped counter's seed
}

func TestCompareLockedLoader(t *testing.T) {
	stress.Compare(t, NewLockedLoader, NewLockedLoader, quick(6)...)
}

func TestCompareSyncCache(t *testing.T) {
	stress.Compare(t, NewSyncCache, NewSyncCache, quick(3)...)
}

// TestCompareCatches runs the buggy types: each bug is caught as a
// violation, and the report writes calls as the user would.
func TestCompareCatches(t *testing.T) {
	t.Run("StripedSum", func(t *testing.T) {
		// The window is a few microseconds: give it more scenarios.
		res, err := stress.CompareRun(t, NewStripedCounter, NewAtomicCounter, append(quick(4), stress.WithChecks(400))...)
		expectViolation(t, res, err, "c.Sum() -> ")
	})
	t.Run("DoubleLoad", func(t *testing.T) {
		// The reference is the same type: it is only ever called one
		// operation at a time.
		res, err := stress.CompareRun(t, NewLoader, NewLoader, quick(6)...)
		expectViolation(t, res, err, "l.Loads() -> ")
	})
}

// CAS and LostUpdate are counters built on package sched by hand (the
// shipped subjects are plain Go, instrumented only by interleave test):
// a compare-and-swap loop, and a load then a store.
type CAS struct{ v sched.Int64 }

func (c *CAS) Add(delta int64) int64 {
	for {
		cur := c.v.Load()
		if c.v.CompareAndSwap(cur, cur+delta) {
			return cur + delta
		}
	}
}

func (c *CAS) Value() int64 { return c.v.Load() }

type LostUpdate struct{ v sched.Int64 }

func (c *LostUpdate) Add(delta int64) int64 {
	cur := c.v.Load()
	c.v.Store(cur + delta)
	return cur + delta
}

func (c *LostUpdate) Value() int64 { return c.v.Load() }

// TestCompareControlled runs Compare on types built on package sched:
// Auto mode runs them under controlled scheduling, where the lost update
// is found, minimized to its context switch and replayable; the correct
// counter passes the same search.
func TestCompareControlled(t *testing.T) {
	opts := []stress.Option{stress.WithSeed(7), stress.WithShrinkTime(5 * time.Second)}
	res, err := stress.CompareRun(t, func() *LostUpdate { return new(LostUpdate) }, func() *CAS { return new(CAS) }, opts...)
	f := expectViolation(t, res, err, "u.Add(1)")
	if f.Mode != stress.Controlled || f.Preemptions != 1 || f.ReplayFile == "" {
		t.Errorf("shown in %v mode with %d preemptions, replay file %q; want controlled, 1, a file", f.Mode, f.Preemptions, f.ReplayFile)
	}
	// The report replays the schedule, which gives the same results:
	// compared by value, not by the address of the reflect.Value that
	// holds each (which said, for every Compare, that it did not).
	if strings.Contains(f.Note, "did not reproduce") {
		t.Errorf("a deterministic type is reported as not replaying:\n%s", f.Note)
	}
	stress.Compare(t, func() *CAS { return new(CAS) }, func() *CAS { return new(CAS) }, opts...)
}

// PanicQueue is MutexQueue whose Dequeue indexes an empty slice. A bug,
// which Compare sees as a result the reference never gives.
type PanicQueue struct{ MutexQueue }

func NewPanicQueue() *PanicQueue { return &PanicQueue{} }

func (q *PanicQueue) Dequeue() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

func TestComparePanic(t *testing.T) {
	res, err := stress.CompareRun(t, NewPanicQueue, NewSliceQueue, append(quick(8), stress.Methods("Enqueue", "Dequeue"))...)
	expectViolation(t, res, err, `q.Dequeue() -> panic("runtime error: index out of range [0] with length 0")`)
}

// Spawner starts a goroutine per Start and stops them all on Close (which
// Compare calls after each execution); with leak set it forgets to. The
// leak is caught by the same checks as in the long form.
type Spawner struct {
	mu   sync.Mutex
	stop chan struct{}
	n    int
	leak bool
}

// released ends the goroutines a leaky spawner left behind, when the test
// ends.
var released = make(chan struct{})

func (s *Spawner) Start() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop == nil {
		s.stop = make(chan struct{})
	}
	stop := s.stop
	go func() {
		select {
		case <-stop:
		case <-released:
		}
	}()
	s.n++
	return s.n
}

func (s *Spawner) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil && !s.leak {
		close(s.stop)
		s.stop = nil
	}
}

func TestCompareLeak(t *testing.T) {
	defer close(released)
	newLeaky := func() *Spawner { return &Spawner{leak: true} }
	newSpawner := func() *Spawner { return &Spawner{} }
	// Goroutines that end a little after Close make every execution wait
	// for goleak: fewer of them.
	opts := append(quick(9), stress.WithChecks(20), stress.WithRuns(20))
	res, err := stress.CompareRun(t, newLeaky, newSpawner, opts...)
	if err != nil || res.Failure == nil || res.Failure.Kind != stress.Leak {
		t.Fatalf("leaky spawner: %v, %+v; want a goroutine leak", err, res.Failure)
	}
	stress.Compare(t, newSpawner, newSpawner, opts...)
}

func expectViolation(t *testing.T, res stress.Summary, err error, want string) *stress.Failure {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure == nil {
		t.Fatalf("bug not caught in %d executions", res.Executions)
	}
	if res.Failure.Kind != stress.Violation {
		t.Fatalf("caught as %v, want %v:\n%s", res.Failure.Kind, stress.Violation, res.Failure.Report())
	}
	if r := res.Failure.Report(); !strings.Contains(r, want) {
		t.Fatalf("report does not show %q:\n%s", want, r)
	}
	t.Log(res.Failure.Report())
	return res.Failure
}

// Loader is a read-through cache: Get loads a missing key (slowly, as
// loading does) and keeps it; Loads counts the loads. Its Get checks
// under the read lock and loads outside any lock, so two Gets of the same
// key can both load it. A bug.
type Loader struct {
	mu    sync.RWMutex
	m     map[string]int
	loads int
}

func NewLoader() *Loader { return &Loader{m: map[string]int{}} }

func (c *Loader) Get(k string) int {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = load(k)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	c.loads++
	return v
}

func (c *Loader) Loads() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.loads
}

func (c *Loader) Forget(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// load stands for a slow computation or a request.
func load(k string) int {
	h := 0
	for i := range 20000 {
		h = h*31 + int(k[i%len(k)])
	}
	return len(k) + h&0
}

// LockedLoader is Loader that holds the lock while it loads. Correct.
type LockedLoader struct {
	mu    sync.Mutex
	m     map[string]int
	loads int
}

func NewLockedLoader() *LockedLoader { return &LockedLoader{m: map[string]int{}} }

func (c *LockedLoader) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[k]; ok {
		return v
	}
	v := load(k)
	c.m[k] = v
	c.loads++
	return v
}

func (c *LockedLoader) Loads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

func (c *LockedLoader) Forget(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// SchedSem is a semaphore of one on a channel of package sched, whose
// Acquire waits while it is held: by design, which a reference cannot say.
type SchedSem struct{ ch sched.Chan[struct{}] }

func NewSchedSem() *SchedSem   { return &SchedSem{ch: sched.MakeChan[struct{}](1)} }
func (s *SchedSem) Acquire()   { s.ch.Send(struct{}{}) }
func (s *SchedSem) Release()   { s.ch.Recv() }
func (s *SchedSem) Held() bool { return s.ch.Len() == 1 }

// SeqSem is its reference, which cannot wait.
type SeqSem struct{ held bool }

func NewSeqSem() *SeqSem     { return &SeqSem{} }
func (s *SeqSem) Acquire()   { s.held = true }
func (s *SeqSem) Release()   { s.held = false }
func (s *SeqSem) Held() bool { return s.held }

// TestCompareWaitsByDesign: an operation that waits by design ends a
// Compare run as a deadlock whose report says how to tell the model.
func TestCompareWaitsByDesign(t *testing.T) {
	res, err := stress.CompareRun(t, NewSchedSem, NewSeqSem, stress.Methods("Acquire", "Held"), stress.WithSeed(1), artifacts(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure == nil || res.Failure.Kind != stress.Deadlock {
		t.Fatalf("want a deadlock, got %v", res.Failure)
	}
	if !strings.Contains(res.Failure.Detail, "a Blocks method") {
		t.Errorf("the report does not say how to model an operation that waits:\n%s", res.Failure.Detail)
	}
}
