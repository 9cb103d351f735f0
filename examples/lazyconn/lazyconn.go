// Package lazyconn opens a connection on first use and shares it.
//
// Client is correct: the fast path is one atomic load, and the slow path
// checks again under a mutex before it dials. DoubleDial has no second
// check: two first callers both dial, each gets its own connection, and
// the one stored first is dropped.
package lazyconn

import (
	"sync"
	"sync/atomic"
)

// Conn is an open connection; ID tells connections apart.
type Conn struct {
	ID int
}

// Client shares one connection, dialled on first use.
type Client struct {
	mu    sync.Mutex // serialises dialling
	conn  atomic.Pointer[Conn]
	dials atomic.Int64
}

// NewClient returns a Client that has not dialled yet.
func NewClient() *Client { return new(Client) }

// dial stands for opening a connection: each one gets a new id.
func (c *Client) dial() *Conn { return &Conn{ID: int(c.dials.Add(1))} }

// Conn returns the id of the shared connection, dialling it if needed.
func (c *Client) Conn() int {
	if cn := c.conn.Load(); cn != nil {
		return cn.ID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cn := c.conn.Load(); cn != nil {
		return cn.ID
	}
	cn := c.dial()
	c.conn.Store(cn)
	return cn.ID
}

// DoubleDial is Client without the lock and the second check. A bug:
// callers that all see no connection all dial.
type DoubleDial struct {
	conn  atomic.Pointer[Conn]
	dials atomic.Int64
}

// NewDoubleDial returns a DoubleDial that has not dialled yet.
func NewDoubleDial() *DoubleDial { return new(DoubleDial) }

func (c *DoubleDial) dial() *Conn { return &Conn{ID: int(c.dials.Add(1))} }

// Conn returns the id of the shared connection, dialling it if needed.
func (c *DoubleDial) Conn() int {
	if cn := c.conn.Load(); cn != nil {
		return cn.ID
	}
	cn := c.dial()
	c.conn.Store(cn)
	return cn.ID
}
