// Package examples is a directory of ordinary concurrent Go types,
// written the way Go developers write them, on plain sync and sync/atomic
// and channels, none importing package sched. Each package holds a type
// with a classic bug and its correct twin (inventory has two bugs), and tests both with one call
// of stress.Compare against a sequential reference: no model code.
//
//   - hits: a counter on sync/atomic whose Add loads, then stores (lost update).
//   - intern: a string-to-id table on sync.RWMutex that checks under the
//     read lock and inserts under the write lock without checking again
//     (check-then-act: one string gets two ids).
//   - inventory: stock striped over sync/atomic counters, whose Total is
//     not atomic with a Transfer between stripes; and a second mutant,
//     UnlockedAt, whose At reads one counter without the lock.
//   - logbuf: a bounded buffer drained by a background goroutine, one
//     sync.Cond for every waiter, Signal where Broadcast was needed (a
//     missed wakeup: Flush waits forever).
//   - lazyconn: a connection dialled on first use, without the second
//     check (two callers dial, each gets its own connection).
//   - stats: a count and a sum in two atomics, read as a torn pair.
//   - firstwins: a "first answer wins" lookup whose losers block forever
//     sending on an unbuffered channel (a goroutine leak).
//
// Plain go test runs them in stress mode; `go run ./cmd/interleave test
// ./examples/...` builds them onto package sched and runs them under
// controlled scheduling (firstwins, which uses channels, stays in stress
// mode). README.md in this directory gives the measurements.
package examples
