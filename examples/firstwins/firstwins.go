// Package firstwins asks every replica and returns the first answer.
//
// Resolver is correct: the replicas answer on a channel with room for
// every answer, so the ones that lose the race still finish. Unbuffered
// answers on a channel without a buffer: after the first answer nobody
// receives, and every other replica's goroutine blocks forever on its
// send, a leak on every call.
package firstwins

import (
	"context"
	"errors"
)

// ErrNotFound is returned for a name no replica knows.
var ErrNotFound = errors.New("firstwins: not found")

// replica stands for a remote copy of a table of addresses.
type replica map[string]int

func (r replica) lookup(name string) (int, error) {
	if v, ok := r[name]; ok {
		return v, nil
	}
	return 0, ErrNotFound
}

// replicas returns three copies of the same table.
func replicas() []replica {
	t := map[string]int{"a": 1, "b": 2, "c": 3}
	return []replica{t, t, t}
}

type answer struct {
	v   int
	err error
}

// Resolver looks names up on several replicas at once.
type Resolver struct {
	replicas []replica
}

// NewResolver returns a Resolver of three replicas.
func NewResolver() *Resolver { return &Resolver{replicas: replicas()} }

// Lookup returns the first replica's answer for name, or ctx's error if
// ctx is done first.
func (r *Resolver) Lookup(ctx context.Context, name string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	answers := make(chan answer, len(r.replicas)) // room for the losers
	for _, rep := range r.replicas {
		go func() {
			v, err := rep.lookup(name)
			answers <- answer{v, err}
		}()
	}
	select {
	case a := <-answers:
		return a.v, a.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Unbuffered is Resolver with an unbuffered channel. A bug: the replicas
// that answer after the first block forever.
type Unbuffered struct {
	replicas []replica
}

// NewUnbuffered returns an Unbuffered of three replicas.
func NewUnbuffered() *Unbuffered { return &Unbuffered{replicas: replicas()} }

// Lookup returns the first replica's answer for name, or ctx's error if
// ctx is done first.
func (r *Unbuffered) Lookup(ctx context.Context, name string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	answers := make(chan answer)
	for _, rep := range r.replicas {
		go func() {
			v, err := rep.lookup(name)
			answers <- answer{v, err}
		}()
	}
	select {
	case a := <-answers:
		return a.v, a.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
