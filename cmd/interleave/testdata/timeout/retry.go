// Package timeout holds two counters served by one goroutine that takes
// a millisecond per Add. A caller waits for its reply at most two
// milliseconds, then sends its request again, presuming it lost. Resend
// applies a late request twice: an Add queued behind another one times
// out at the very instant the server answers it, and the server, working
// through its queue, adds the same delta again for the copy. Dedup tags
// each request with an ID and answers a copy of one it has done with the
// result it had, and is correct.
package timeout

import (
	"sync/atomic"
	"time"
)

const (
	work    = time.Millisecond     // the server's time per Add
	timeout = 2 * time.Millisecond // how long a caller waits for a reply
)

type request struct {
	id    int64
	d     int64 // 0 for a Get, which takes no time
	reply chan int64
}

// server is what both counters share: a queue and the goroutine that
// serves it.
type server struct {
	reqs   chan request
	n      int64           // owned by serve
	done   map[int64]int64 // the result of each request done, for dedup
	dedup  bool
	nextID atomic.Int64
}

func newServer(dedup bool) *server {
	s := &server{reqs: make(chan request, 16), done: map[int64]int64{}, dedup: dedup}
	go s.serve()
	return s
}

func (s *server) serve() {
	for r := range s.reqs {
		if v, ok := s.done[r.id]; ok && s.dedup {
			r.reply <- v // a copy of a request already done
			continue
		}
		if r.d != 0 {
			time.Sleep(work)
		}
		s.n += r.d
		s.done[r.id] = s.n
		r.reply <- s.n // buffered: a late reply nobody waits for is dropped
	}
}

// call sends the request for d and waits for the reply, sending it again
// after each timeout.
func (s *server) call(d int64) int64 {
	id := s.nextID.Add(1)
	for {
		r := request{id: id, d: d, reply: make(chan int64, 1)}
		s.reqs <- r
		select {
		case v := <-r.reply:
			return v
		case <-time.After(timeout):
			// presumed lost: send it again
		}
	}
}

// Close stops the server.
func (s *server) Close() { close(s.reqs) }

// Resend counts; a request that times out may be applied twice.
type Resend struct{ *server }

// NewResend returns a Resend at 0.
func NewResend() *Resend { return &Resend{newServer(false)} }

// Add adds d and returns the new value.
func (c *Resend) Add(d int64) int64 { return c.call(d) }

// Get returns the value.
func (c *Resend) Get() int64 { return c.call(0) }

// Dedup counts, correctly: a copy of a request is answered, not applied.
type Dedup struct{ *server }

// NewDedup returns a Dedup at 0.
func NewDedup() *Dedup { return &Dedup{newServer(true)} }

// Add adds d and returns the new value.
func (c *Dedup) Add(d int64) int64 { return c.call(d) }

// Get returns the value.
func (c *Dedup) Get() int64 { return c.call(0) }
