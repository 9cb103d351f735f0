package rewrite

// SchedPath is the import path of the package that mirrors sync and
// sync/atomic with scheduling points.
const SchedPath = "github.com/interleave-go/interleave/sched"

// harnessPath is interleave's module, whose stress, model and linearize
// packages test code calls.
const harnessPath = "github.com/interleave-go/interleave"

// action says what the rewrite does with a name of sync or sync/atomic.
type action uint8

const (
	// swap replaces the package qualifier with sched's: sched.Name has the
	// same name and signature (checked against the sched package in the
	// build; until sched has it, a use is listed as not instrumented).
	swap action = iota + 1
	// keep leaves the standard name: it needs no scheduling point.
	keep
)

// table lists, for sync and sync/atomic, what the rewrite does with each
// name. A name that is not listed is reported, never left silently
// outside the scheduler. Adding a mirror to sched needs no change here
// when its name is listed as swap: the rewrite swaps it as soon as sched
// has it with the standard signature.
var table = map[string]map[string]action{
	"sync/atomic": {
		"Int64": swap, "Uint64": swap, "Pointer": swap, // mirrored today
		"Bool": swap, "Int32": swap, "Uint32": swap, "Uintptr": swap, "Value": swap,

		"AddInt32": swap, "AddInt64": swap, "AddUint32": swap, "AddUint64": swap, "AddUintptr": swap,
		"AndInt32": swap, "AndInt64": swap, "AndUint32": swap, "AndUint64": swap, "AndUintptr": swap,
		"OrInt32": swap, "OrInt64": swap, "OrUint32": swap, "OrUint64": swap, "OrUintptr": swap,
		"LoadInt32": swap, "LoadInt64": swap, "LoadUint32": swap, "LoadUint64": swap, "LoadUintptr": swap, "LoadPointer": swap,
		"StoreInt32": swap, "StoreInt64": swap, "StoreUint32": swap, "StoreUint64": swap, "StoreUintptr": swap, "StorePointer": swap,
		"SwapInt32": swap, "SwapInt64": swap, "SwapUint32": swap, "SwapUint64": swap, "SwapUintptr": swap, "SwapPointer": swap,
		"CompareAndSwapInt32": swap, "CompareAndSwapInt64": swap, "CompareAndSwapUint32": swap,
		"CompareAndSwapUint64": swap, "CompareAndSwapUintptr": swap, "CompareAndSwapPointer": swap,
	},
	"sync": {
		"Mutex":   swap, // mirrored today
		"RWMutex": swap, "Cond": swap, "NewCond": swap, "WaitGroup": swap, "Once": swap,
		"OnceFunc": swap, "OnceValue": swap, "OnceValues": swap, "Map": swap,

		"Locker": keep, // an interface: sched's locks implement it
		"Pool":   keep, // a cache that may drop anything: no ordering to schedule
	},
}

// lookup returns what to do with name of package path, and whether path
// is sync or sync/atomic at all.
func lookup(path, name string) (action, bool) {
	names, ok := table[path]
	if !ok {
		return 0, false
	}
	return names[name], true
}

// timeTwins lists the names of package time that sched has twins of on
// the virtual clock of a controlled run, with the twin's signature (or,
// for a type, its field C's type) as types.TypeString writes it with
// package names. The rewrite swaps the qualifier of each (time.Sleep
// becomes sched.Sleep, *time.Timer *sched.Timer) when the build's sched
// has the twin; Duration, Time, constants and the rest of time stay.
var timeTwins = map[string]string{
	"Sleep":     "func(d time.Duration)",
	"Now":       "func() time.Time",
	"Since":     "func(t time.Time) time.Duration",
	"Until":     "func(t time.Time) time.Duration",
	"After":     "func(d time.Duration) sched.Chan[time.Time]",
	"Tick":      "func(d time.Duration) sched.Chan[time.Time]",
	"NewTimer":  "func(d time.Duration) *sched.Timer",
	"AfterFunc": "func(d time.Duration, f func()) *sched.Timer",
	"NewTicker": "func(d time.Duration) *sched.Ticker",
	"Timer":     "sched.Chan[time.Time]",
	"Ticker":    "sched.Chan[time.Time]",
}

// contextTwins lists the functions of package context that sched has
// twins of, with the same signature, under the name given: context's
// AfterFunc is sched.ContextAfterFunc, since sched.AfterFunc is time's.
// The rewrite swaps each when the build's sched has it; Background, TODO,
// WithValue, WithoutCancel, the types and the errors stay, since sched's
// contexts work through them. A call of the Done method of
// context.Context becomes sched.Done(ctx), a sched.Chan, when sched has
// Done with the signature doneTwin gives.
var contextTwins = map[string]string{
	"WithCancel": "WithCancel", "WithCancelCause": "WithCancelCause",
	"WithTimeout": "WithTimeout", "WithTimeoutCause": "WithTimeoutCause",
	"WithDeadline": "WithDeadline", "WithDeadlineCause": "WithDeadlineCause",
	"AfterFunc": "ContextAfterFunc", "Cause": "Cause",
}

// doneTwin is the signature of sched.Done, as types.TypeString writes it
// with package names.
const doneTwin = "func(ctx context.Context) sched.Chan[struct{}]"
