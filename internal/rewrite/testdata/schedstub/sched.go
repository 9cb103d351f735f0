// Package sched is a stand-in for interleave's sched with the mirrors it
// had when the golden files were written (Int64, Uint64, Pointer, Mutex,
// Go, Chan and Select, the twins of time and of context), so that they do not change each time sched gains one.
package sched

import (
	"context"
	"sync/atomic"
	"time"
)

type Int64 struct{ v atomic.Int64 }

func (x *Int64) Load() int64                        { return x.v.Load() }
func (x *Int64) Store(v int64)                      { x.v.Store(v) }
func (x *Int64) Add(d int64) int64                  { return x.v.Add(d) }
func (x *Int64) Swap(v int64) int64                 { return x.v.Swap(v) }
func (x *Int64) CompareAndSwap(old, new int64) bool { return x.v.CompareAndSwap(old, new) }

type Uint64 struct{ v atomic.Uint64 }

func (x *Uint64) Load() uint64                        { return x.v.Load() }
func (x *Uint64) Store(v uint64)                      { x.v.Store(v) }
func (x *Uint64) Add(d uint64) uint64                 { return x.v.Add(d) }
func (x *Uint64) Swap(v uint64) uint64                { return x.v.Swap(v) }
func (x *Uint64) CompareAndSwap(old, new uint64) bool { return x.v.CompareAndSwap(old, new) }

type Pointer[T any] struct{ v atomic.Pointer[T] }

func (x *Pointer[T]) Load() *T                        { return x.v.Load() }
func (x *Pointer[T]) Store(v *T)                      { x.v.Store(v) }
func (x *Pointer[T]) Swap(v *T) *T                    { return x.v.Swap(v) }
func (x *Pointer[T]) CompareAndSwap(old, new *T) bool { return x.v.CompareAndSwap(old, new) }

type Mutex struct{ held bool }

func (m *Mutex) Lock()         {}
func (m *Mutex) TryLock() bool { return true }
func (m *Mutex) Unlock()       {}

func Go(f func()) { go f() }

// Chan and Select as sched has them (chan.go, select.go).
type Chan[T any] struct{ c chan T }

func MakeChan[T any](size int) Chan[T]         { return Chan[T]{make(chan T, size)} }
func (c Chan[T]) Send(v T)                     { c.c <- v }
func (c Chan[T]) Recv() T                      { return <-c.c }
func (c Chan[T]) Recv2() (T, bool)             { v, ok := <-c.c; return v, ok }
func (c Chan[T]) Close()                       { close(c.c) }
func (c Chan[T]) Len() int                     { return len(c.c) }
func (c Chan[T]) Cap() int                     { return cap(c.c) }
func (c Chan[T]) Range() func(func(T) bool)    { return nil }
func (c Chan[T]) SendCase(v T) Case            { return Case{} }
func (c Chan[T]) RecvCase(v *T, ok *bool) Case { return Case{} }
func (c Chan[T]) RecvVars() (v T, ok bool)     { return v, false }

type Case struct{}

func Select(hasDefault bool, cases ...Case) int { return -1 }

// The twins of time on the virtual clock.

func Sleep(d time.Duration)                      {}
func Now() time.Time                             { return time.Time{} }
func Since(t time.Time) time.Duration            { return 0 }
func Until(t time.Time) time.Duration            { return 0 }
func After(d time.Duration) Chan[time.Time]      { return Chan[time.Time]{} }
func Tick(d time.Duration) Chan[time.Time]       { return Chan[time.Time]{} }
func NewTimer(d time.Duration) *Timer            { return &Timer{} }
func AfterFunc(d time.Duration, f func()) *Timer { return &Timer{} }
func NewTicker(d time.Duration) *Ticker          { return &Ticker{} }

type Timer struct{ C Chan[time.Time] }

func (t *Timer) Stop() bool                 { return false }
func (t *Timer) Reset(d time.Duration) bool { return false }

type Ticker struct{ C Chan[time.Time] }

func (t *Ticker) Stop()                 {}
func (t *Ticker) Reset(d time.Duration) {}

// The twins of context (TestContextOldSched cuts from here to the end).

func WithCancel(parent context.Context) (context.Context, context.CancelFunc) { return parent, nil }
func WithCancelCause(parent context.Context) (context.Context, context.CancelCauseFunc) {
	return parent, nil
}
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return parent, nil
}
func WithTimeoutCause(parent context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	return parent, nil
}
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return parent, nil
}
func WithDeadlineCause(parent context.Context, d time.Time, cause error) (context.Context, context.CancelFunc) {
	return parent, nil
}
func ContextAfterFunc(ctx context.Context, f func()) (stop func() bool) { return nil }
func Cause(c context.Context) error                                     { return nil }
func Done(ctx context.Context) Chan[struct{}]                           { return Chan[struct{}]{} }
