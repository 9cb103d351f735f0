package stress

import (
	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/sched"
)

// mayBlock reports whether the spec's model says when an operation
// waits (model.Model's Blocks): a controlled execution whose remaining
// operations all wait then ends normally, and is checked.
func (r *runner[T, I, O]) mayBlock() bool {
	m, ok := r.model.(interface{ MayBlock() bool })
	return ok && m.MayBlock()
}

// blockedEnd checks a controlled execution that ended with no thread
// able to run, for a model that says when operations wait. If some
// operations of the scenario are still in progress, each blocked, the
// execution ended normally: it is checked with those operations placed
// after every completed one, each with the output model.Blocked, which
// the model accepts only in a state where it says the operation waits. A
// lost wakeup (a Take waiting while an item is there) is then a
// violation, and a Take waiting on an empty buffer is fine. ok is false
// when no operation is in progress (only the type's own goroutines are
// stuck): that stays a deadlock.
func (r *runner[T, I, O]) blockedEnd(x *exec[T, I, O], e *sched.Execution, threads int) (o outcome, ok bool) {
	if !r.mayBlock() {
		return outcome{}, false
	}
	h := x.rec.History()
	var last int64
	blocked := 0
	for _, op := range h {
		last = max(last, op.Call, op.Return)
		if op.Pending {
			blocked++
		}
	}
	if blocked == 0 {
		return outcome{}, false
	}
	for i := range h {
		if h[i].Pending {
			h[i].Pending, h[i].Output, h[i].Call, h[i].Return = false, model.Blocked, last+1, last+2
		}
	}
	o = r.verdictOf(x, h)
	if o.kind != 0 && o.detail == "" {
		o.detail = blockedHeader + describeWaiters(e, threads)
	}
	return o, true
}

// blockedHeader starts the detail of a failure checked by blockedEnd.
const blockedHeader = "the execution ended with these threads waiting:\n"

// isBlocked reports whether a recorded operation was blocked at the end
// of its execution (see blockedEnd).
func isBlocked(op linearize.Operation) bool { return op.Output == model.Blocked }
