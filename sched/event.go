package sched

import (
	"fmt"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// EventKind is what an event did.
type EventKind uint8

// The event kinds.
const (
	KindCall   EventKind = iota // an operation of the scenario was called (see schedhook.BeginOp)
	KindReturn                  // it returned (see schedhook.EndOp)
	KindLoad
	KindStore
	KindAdd
	KindCAS
	KindSwap
	KindLock
	KindBlock // a Lock found the mutex held and the thread stopped
	KindUnlock
	KindYield
	KindGo // a managed goroutine was started
	KindAnd
	KindOr
	KindRLock   // an RWMutex was locked for reading
	KindRUnlock // an RWMutex was unlocked for reading
	// KindOp is a synchronization operation named by Text ("Wait",
	// "Signal", "Add"), with Old and New when it changes a counter; a
	// note may follow the name after ": " ("Close: panics, ...").
	KindOp
)

var kindNames = [...]string{"call", "return", "Load", "Store", "Add", "CAS", "Swap", "Lock", "Lock (blocked)", "Unlock", "Yield", "Go",
	"And", "Or", "RLock", "RUnlock", "Op"}

func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Event is one step of a controlled execution.
type Event struct {
	Thread int
	Kind   EventKind
	// Text is the label (KindYield), the thread started (KindGo), the
	// operation (KindOp, and KindBlock when not a Lock) or empty; for
	// KindCall and KindReturn, see Describe.
	Text string
	// Var numbers the instrumented variable or mutex touched, in order of
	// first use in the run (1, 2, ...); 0 for events that touch none.
	Var int
	// Old and New are the values before and after, formatted; pointers
	// are numbered by first appearance (p1, p2, ...) so that the same
	// execution formats the same way every time.
	Old, New string
	// OK is a CompareAndSwap's result.
	OK bool
	// Switch is set on the first event after a switch (the processor
	// passed to another thread), and Preempt when that switch was a
	// preemption: it took the processor from a thread that could have
	// gone on. Reports call preemptions context switches.
	Switch, Preempt bool

	pcs      [6]uintptr
	describe func() string
	// keys are the values before and after as numbers (see valueKind),
	// for the fingerprint, and to format the values of an event recorded
	// without them (Config.ChoicesOnly).
	keys [2]uint64
	vk   valueKind
}

// valueKind says how an event's keys format as values.
type valueKind uint8

const (
	noValue valueKind = iota
	signedValue
	unsignedValue
	boolValue
	pointerValue // numbered by first appearance, 0 for nil
)

func (k valueKind) format(v uint64) string {
	switch k {
	case signedValue:
		return strconv.FormatInt(int64(v), 10)
	case unsignedValue:
		return strconv.FormatUint(v, 10)
	case boolValue:
		return strconv.FormatBool(v != 0)
	case pointerValue:
		if v == 0 {
			return "nil"
		}
		return "p" + strconv.FormatUint(v, 10)
	}
	return ""
}

// formatted returns e with its values formatted, if it was recorded
// without them.
func (e Event) formatted(*scheduler) Event {
	if e.vk != noValue && e.Old == "" && e.New == "" {
		e.Old, e.New = e.vk.format(e.keys[0]), e.vk.format(e.keys[1])
	}
	return e
}

// FNV-1a, 64 bits, over words.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func mix(h, v uint64) uint64 { return (h ^ v) * fnvPrime }

// fingerprint adds e to the hash h: everything the determinism check
// compares that does not depend on formatting or sites.
func (e *Event) fingerprint(h uint64) uint64 {
	ok := uint64(0)
	if e.OK {
		ok = 1
	}
	h = mix(h, uint64(e.Thread)<<16|uint64(e.Kind)<<8|ok)
	h = mix(h, uint64(e.Var))
	h = mix(h, e.keys[0])
	h = mix(h, e.keys[1])
	if e.Kind != KindCall && e.Kind != KindReturn {
		for i := 0; i < len(e.Text); i++ {
			h = mix(h, uint64(e.Text[i]))
		}
	}
	return h
}

// Describe returns the operation (KindCall) or its result (KindReturn),
// formatted only when asked: formatting every operation of every
// execution would cost more than running it.
func (e Event) Describe() string {
	if e.describe != nil {
		return e.describe()
	}
	return e.Text
}

// Site returns the function and line that performed the event, outside
// this package, as "pkg.(*T).Method:42", or "" if unknown (the run did not
// record sites: see Config.Sites).
func (e Event) Site() string {
	if f, ok := e.frame(); ok {
		return fmt.Sprintf("%s:%d", path.Base(f.Function), f.Line)
	}
	return ""
}

// Source returns the file and line that performed the event, outside this
// package, or ok false if unknown.
func (e Event) Source() (file string, line int, ok bool) {
	f, ok := e.frame()
	return f.File, f.Line, ok
}

func (e Event) frame() (runtime.Frame, bool) {
	n := 0
	for n < len(e.pcs) && e.pcs[n] != 0 {
		n++
	}
	frames := runtime.CallersFrames(e.pcs[:n])
	for {
		f, more := frames.Next()
		// Frames of this package and of the runtime (gopanic, running a
		// deferred call) are not where the user's code did it.
		if f.Function != "" && !strings.HasPrefix(f.Function, pkgPrefix) && !strings.HasPrefix(f.Function, "runtime.") {
			return f, true
		}
		if !more {
			return runtime.Frame{}, false
		}
	}
}

const pkgPrefix = "github.com/interleave-go/interleave/sched."

// Action formats what the event did, without thread or site:
// "Load v1 = 3", "CAS v1 3→4 ok", "call Push(3)".
func (e Event) Action() string { return e.ActionNamed("") }

// ActionNamed is Action with the variable called name ("s.head") instead
// of v1, when name is not empty.
func (e Event) ActionNamed(name string) string {
	v := fmt.Sprintf("v%d", e.Var)
	if name != "" {
		v = name
	}
	switch e.Kind {
	case KindCall:
		return e.Describe()
	case KindReturn:
		return "→ " + e.Describe()
	case KindLoad:
		return fmt.Sprintf("Load %s = %s", v, e.Old)
	case KindStore:
		return fmt.Sprintf("Store %s %s→%s", v, e.Old, e.New)
	case KindAdd, KindSwap, KindAnd, KindOr:
		return fmt.Sprintf("%v %s %s→%s", e.Kind, v, e.Old, e.New)
	case KindCAS:
		if e.OK {
			return fmt.Sprintf("CAS %s %s→%s ok", v, e.Old, e.New)
		}
		return fmt.Sprintf("CAS %s want %s, is %s: fail", v, e.New, e.Old)
	case KindBlock:
		m := fmt.Sprintf("m%d", e.Var)
		if name != "" {
			m = name
		}
		switch e.Text {
		case "":
		case "try": // a TryLock that found the lock held: it does not block
			return fmt.Sprintf("TryLock %s: held", m)
		case "TryRLock":
			return fmt.Sprintf("TryRLock %s: held", m)
		default:
			if e.Var == 0 { // a select, a sleep: no one variable
				return e.Text + " (blocked)"
			}
			return fmt.Sprintf("%s (blocked) %s", e.Text, v)
		}
		fallthrough
	case KindLock, KindUnlock, KindRLock, KindRUnlock:
		if name != "" {
			return fmt.Sprintf("%v %s", e.Kind, name)
		}
		return fmt.Sprintf("%v m%d", e.Kind, e.Var)
	case KindYield:
		return "yield " + e.Text
	case KindGo:
		return "go " + e.Text
	case KindOp:
		if e.Var == 0 {
			return e.Text
		}
		// "Close: panics, ..." is the operation Close, with a note.
		op, note, _ := strings.Cut(e.Text, ": ")
		if note != "" {
			note = ": " + note
		}
		if e.Old != "" || e.New != "" {
			return fmt.Sprintf("%s %s %s→%s%s", op, v, e.Old, e.New, note)
		}
		return fmt.Sprintf("%s %s%s", op, v, note)
	}
	return e.Kind.String()
}

// same reports whether two events are the same step, for the determinism
// check: everything but the switch markers, and the sites when both have
// them.
func (e Event) same(o Event) bool {
	var none [len(e.pcs)]uintptr
	return e.Thread == o.Thread && e.Kind == o.Kind && e.Describe() == o.Describe() && e.Var == o.Var &&
		e.Old == o.Old && e.New == o.New && e.OK == o.OK && (e.pcs == o.pcs || e.pcs == none || o.pcs == none)
}

// Diverge returns the index of the first event where a and b differ, or -1
// if they are the same execution.
func Diverge(a, b []Event) int {
	for i := range min(len(a), len(b)) {
		if !a[i].same(b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}
