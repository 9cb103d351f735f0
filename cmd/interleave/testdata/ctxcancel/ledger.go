// Package ctxcancel holds two ledgers served by one goroutine that takes
// a millisecond per Add. A caller gives each Add a context with a
// two-millisecond timeout and reports the Add not done if the context
// ends first. Check drops a request whose context has ended, checking
// ctx.Err() before it applies it: when the deadline passes at the very
// instant the server has checked, the caller sees both its reply and
// ctx.Done() ready, may take ctx.Done(), and reports not done an Add
// that was applied. Claim makes the server and the caller claim the
// request (a compare-and-swap) before either acts on it, and is correct.
package ctxcancel

import (
	"context"
	"sync/atomic"
	"time"
)

const (
	work    = time.Millisecond     // the server's time per Add
	timeout = 2 * time.Millisecond // how long a caller waits for a reply
)

// The states of a request.
const (
	waiting   = iota
	taken     // by the server, which will reply
	abandoned // by the caller, which reported it not done
)

type request struct {
	ctx   context.Context
	d     int64 // 0 for a Get, which takes no time
	reply chan int64
	state atomic.Int32 // with claim
}

// server is what both ledgers share: a queue and the goroutine that
// serves it.
type server struct {
	reqs  chan *request
	n     int64 // owned by serve
	claim bool
}

func newServer(claim bool) *server {
	s := &server{reqs: make(chan *request, 16), claim: claim}
	go s.serve()
	return s
}

func (s *server) serve() {
	for r := range s.reqs {
		if r.d != 0 {
			time.Sleep(work)
		}
		if s.claim {
			if !r.state.CompareAndSwap(waiting, taken) {
				continue // the caller gave up first
			}
		} else if r.ctx.Err() != nil {
			continue // the caller gave up
		}
		s.n += r.d
		r.reply <- s.n // buffered: the caller may be gone
	}
}

// call sends the request for d and waits for the reply until ctx ends;
// ok reports whether d was applied.
func (s *server) call(ctx context.Context, d int64) (v int64, ok bool) {
	r := &request{ctx: ctx, d: d, reply: make(chan int64, 1)}
	s.reqs <- r
	select {
	case v := <-r.reply:
		return v, true
	case <-ctx.Done():
		if !s.claim || r.state.CompareAndSwap(waiting, abandoned) {
			return 0, false
		}
		return <-r.reply, true // the server took it: its reply comes
	}
}

func (s *server) add(d int64) (int64, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return s.call(ctx, d)
}

// Close stops the server.
func (s *server) Close() { close(s.reqs) }

// Check is a ledger whose server checks ctx.Err() and then applies: an
// Add reported not done may have been applied.
type Check struct{ *server }

// NewCheck returns a Check at 0.
func NewCheck() *Check { return &Check{newServer(false)} }

// Add adds d within the timeout and returns the new value, and whether
// it was applied.
func (c *Check) Add(d int64) (int64, bool) { return c.add(d) }

// Get returns the value.
func (c *Check) Get() int64 {
	v, _ := c.call(context.Background(), 0)
	return v
}

// Claim is a ledger whose server and callers claim each request before
// acting on it, and is correct.
type Claim struct{ *server }

// NewClaim returns a Claim at 0.
func NewClaim() *Claim { return &Claim{newServer(true)} }

// Add adds d within the timeout and returns the new value, and whether
// it was applied.
func (c *Claim) Add(d int64) (int64, bool) { return c.add(d) }

// Get returns the value.
func (c *Claim) Get() int64 {
	v, _ := c.call(context.Background(), 0)
	return v
}
