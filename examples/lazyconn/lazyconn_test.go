package lazyconn_test

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/examples/internal/expect"
	"github.com/interleave-go/interleave/examples/lazyconn"
	"github.com/interleave-go/interleave/stress"
)

// The reference is Client itself: Compare calls it one operation at a
// time, where it is trivially right.

func TestCompareClient(t *testing.T) {
	stress.Compare(t, lazyconn.NewClient, lazyconn.NewClient)
}

func TestDoubleDialCaught(t *testing.T) {
	res, err := stress.CompareRun(t, lazyconn.NewDoubleDial, lazyconn.NewClient, stress.WithSeed(1), stress.WithShrinkTime(5*time.Second))
	expect.Caught(t, res, err, instrumented, stress.Violation)
}

// instrumented reports whether interleave test built this package on
// package sched (atomic.Int64 is then sched's), so that Compare runs it
// under controlled scheduling.
var instrumented = reflect.TypeFor[atomic.Int64]().PkgPath() != "sync/atomic"
