package ctxcancel

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/model"
	"github.com/interleave-go/interleave/stress"
)

type ledger interface {
	Add(int64) (int64, bool)
	Get() int64
	Close()
}

type input struct{ d int64 } // 0: Get

func (in input) String() string {
	if in.d == 0 {
		return "Get()"
	}
	return fmt.Sprintf("Add(%d)", in.d)
}

type output struct {
	v  int64
	ok bool
}

func (out output) String() string { return fmt.Sprintf("%d, %v", out.v, out.ok) }

// ledgerModel: an Add reported done returns the new value; one reported
// not done changed nothing.
func ledgerModel() model.Model[int64, input, output] {
	return model.Model[int64, input, output]{
		Init: func() int64 { return 0 },
		Step: func(s int64, in input, out output) (bool, int64) {
			switch {
			case in.d == 0:
				return out.ok && out.v == s, s
			case !out.ok:
				return out.v == 0, s
			}
			return out.v == s+in.d, s + in.d
		},
		Pending: func(s int64, in input) int64 { return s + in.d },
	}
}

func spec[L ledger](newL func() L) stress.Spec[L, input, output] {
	return stress.Spec[L, input, output]{
		New: newL,
		Ops: rapid.OneOf(
			rapid.Map(rapid.Int64Range(1, 5), func(d int64) input { return input{d} }),
			rapid.Just(input{}),
		),
		Run: func(l L, _ int, in input) output {
			if in.d == 0 {
				return output{l.Get(), true}
			}
			v, ok := l.Add(in.d)
			return output{v, ok}
		},
		Cleanup: func(l L) { l.Close() },
		Model:   ledgerModel(),
	}
}

func TestStressCheck(t *testing.T) { stress.Test(t, spec(NewCheck)) }

func TestStressClaim(t *testing.T) { stress.Test(t, spec(NewClaim)) }
