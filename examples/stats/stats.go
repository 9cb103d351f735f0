// Package stats records a running count and sum of samples, for a mean.
//
// Recorder is correct: one mutex guards the pair. Torn keeps each half in
// its own atomic, so a Snapshot taken while a Record runs can see the new
// count with the old sum: a pair that was never there.
package stats

import (
	"sync"
	"sync/atomic"
)

// Recorder records samples.
type Recorder struct {
	mu         sync.Mutex
	count, sum int
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return new(Recorder) }

// Record adds a sample.
func (r *Recorder) Record(v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	r.sum += v
}

// Snapshot returns the number of samples and their sum.
func (r *Recorder) Snapshot() (count, sum int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, r.sum
}

// Torn is Recorder on two atomics, for speed. A bug: Record and Snapshot
// each touch the pair one half at a time.
type Torn struct {
	count, sum atomic.Int64
}

// NewTorn returns an empty Torn.
func NewTorn() *Torn { return new(Torn) }

// Record adds a sample.
func (r *Torn) Record(v int) {
	r.count.Add(1)
	r.sum.Add(int64(v))
}

// Snapshot returns the number of samples and their sum.
func (r *Torn) Snapshot() (count, sum int) {
	return int(r.count.Load()), int(r.sum.Load())
}
