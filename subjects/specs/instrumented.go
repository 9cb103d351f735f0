package specs

import (
	"reflect"
	"sync/atomic"
)

// Instrumented reports whether this binary was built with the subjects
// instrumented, by interleave test or the main job: this file is
// instrumented with them, and the rewrite turns its atomic.Int64 into
// package sched's.
func Instrumented() bool {
	return reflect.TypeFor[atomic.Int64]().PkgPath() == "github.com/interleave-go/interleave/sched"
}
