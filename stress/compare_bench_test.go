package stress

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// refCounter and refStack are references with the operations of
// model.Counter and model.Stack, for comparing the two ways of checking.
type refCounter struct{ n int64 }

func (c *refCounter) Add(d int64) int64 { c.n += d; return c.n }
func (c *refCounter) Get() int64        { return c.n }

type refStack struct{ s []int }

func (s *refStack) Push(v int) { s.s = append(s.s, v) }
func (s *refStack) Pop() (int, bool) {
	if len(s.s) == 0 {
		return 0, false
	}
	v := s.s[len(s.s)-1]
	s.s = s.s[:len(s.s)-1]
	return v, true
}
func (s *refStack) Len() int { return len(s.s) }

// cloneStack is refStack with a Clone method.
type cloneStack struct{ refStack }

func (s *cloneStack) Clone() *cloneStack {
	return &cloneStack{refStack{s: append([]int(nil), s.s...)}}
}

func (m *reference[R]) withMethods(ms *methodSet) (porcupine.Model, error) {
	m.ms = ms
	return m.Porcupine()
}

// benchOp is one operation of a scripted history.
type benchOp struct {
	thread int // 0: init or post
	name   string
	arg    int
}

// scriptHistory lays out the default scenario size (init 2, 3 threads x
// 4 operations, post 1) with the threads' j-th operations all
// overlapping, and takes outputs from a run of the reference in a round
// robin order, so that the history is linearizable. With bad set, the
// last operation of thread 3 returns something no order explains.
func scriptHistory(ms *methodSet, newR func() any, ops []benchOp, bad bool) []linearize.Operation {
	byName := map[string]*method{}
	for _, m := range ms.methods {
		byName[m.name] = m
	}
	r := newR()
	v := reflect.ValueOf(r)
	var h []linearize.Operation
	clock := int64(0)
	for i, op := range ops {
		m := byName[op.name]
		c := call{m: m}
		if len(m.params) == 1 {
			c.args = []reflect.Value{reflect.ValueOf(op.arg).Convert(v.Type().Method(m.ref).Type.In(1))}
		}
		c.text = ms.format(c)
		out := invoke(v, m.ref, c)
		if bad && i == len(ops)-2 {
			out.vals[0] = reflect.ValueOf(99).Convert(out.vals[0].Type())
		}
		call, ret := clock, clock+1
		if op.thread != 0 {
			// The threads' j-th operations share one interval.
			j := int64(0)
			for k := 2; k < i; k++ {
				if ops[k].thread == op.thread {
					j++
				}
			}
			call, ret = 100+j*10, 100+j*10+5
		} else if i > 2 {
			call, ret = 1000, 1001
		}
		clock += 2
		h = append(h, linearize.Operation{Thread: op.thread, Input: c, Output: out, Call: call, Return: ret})
	}
	return h
}

// toModel converts a history of calls to the inputs and outputs of a
// hand-written model.
func toModel(h []linearize.Operation, conv func(c call, r ret) (any, any)) []linearize.Operation {
	out := make([]linearize.Operation, len(h))
	for i, op := range h {
		out[i] = op
		out[i].Input, out[i].Output = conv(op.Input.(call), op.Output.(ret))
	}
	return out
}

func roundRobin(init []benchOp, threads [3][4]benchOp, post benchOp) []benchOp {
	ops := append([]benchOp(nil), init...)
	for j := range 4 {
		for k := range 3 {
			op := threads[k][j]
			op.thread = k + 1
			ops = append(ops, op)
		}
	}
	return append(ops, post)
}

// BenchmarkCheckReference checks one history of the default size against
// a reference implementation and against the hand-written model of the
// same type: ok is a linearizable history (porcupine stops at the first
// order that works), illegal one where no order works (it tries them all).
func BenchmarkCheckReference(b *testing.B) {
	add := func(d int) benchOp { return benchOp{name: "Add", arg: d} }
	get := benchOp{name: "Get"}
	counter := roundRobin([]benchOp{add(1), add(2)}, [3][4]benchOp{
		{add(1), get, add(2), get}, {get, add(3), get, add(1)}, {add(2), add(1), get, get},
	}, get)
	push := func(v int) benchOp { return benchOp{name: "Push", arg: v} }
	pop, size := benchOp{name: "Pop"}, benchOp{name: "Len"}
	stack := roundRobin([]benchOp{push(1), push(2)}, [3][4]benchOp{
		{push(3), pop, push(4), pop}, {pop, push(5), size, pop}, {push(6), pop, push(7), pop},
	}, size)

	counterConv := func(c call, r ret) (any, any) {
		if c.m.name == "Add" {
			return model.CounterInput{Op: model.CounterAdd, Delta: c.args[0].Int()}, model.CounterOutput{Value: r.vals[0].Int()}
		}
		return model.CounterInput{Op: model.CounterGet}, model.CounterOutput{Value: r.vals[0].Int()}
	}
	stackConv := func(c call, r ret) (any, any) {
		switch c.m.name {
		case "Push":
			return model.ContainerInput{Op: model.ContainerPut, Value: int(c.args[0].Int())}, model.ContainerOutput{}
		case "Pop":
			return model.ContainerInput{Op: model.ContainerTake}, model.ContainerOutput{Value: int(r.vals[0].Int()), OK: r.vals[1].Bool()}
		}
		return model.ContainerInput{Op: model.ContainerLen}, model.ContainerOutput{Len: int(r.vals[0].Int())}
	}
	cases := []struct {
		name  string
		typ   reflect.Type
		newR  func() any
		ops   []benchOp
		conv  func(call, ret) (any, any)
		model func() (porcupine.Model, error)
		ref   func(*methodSet) (porcupine.Model, error)
	}{
		{"counter", reflect.TypeFor[*refCounter](), func() any { return new(refCounter) }, counter, counterConv, model.Counter().Porcupine,
			(&reference[*refCounter]{newR: func() *refCounter { return new(refCounter) }}).withMethods},
		{"stack", reflect.TypeFor[*refStack](), func() any { return new(refStack) }, stack, stackConv, model.Stack().Porcupine,
			(&reference[*refStack]{newR: func() *refStack { return new(refStack) }}).withMethods},
		{"stack-clone", reflect.TypeFor[*cloneStack](), func() any { return new(cloneStack) }, stack, stackConv, model.Stack().Porcupine,
			(&reference[*cloneStack]{newR: func() *cloneStack { return new(cloneStack) }, clone: cloner[*cloneStack]()}).withMethods},
	}
	for _, tc := range cases {
		ms, err := newMethodSet(tc.typ, tc.typ, methodOpts{skip: []string{"Clone"}})
		if err != nil {
			b.Fatal(err)
		}
		ref, err := tc.ref(ms)
		if err != nil {
			b.Fatal(err)
		}
		hand, err := tc.model()
		if err != nil {
			b.Fatal(err)
		}
		for _, bad := range []bool{false, true} {
			h := scriptHistory(ms, tc.newR, tc.ops, bad)
			want := linearize.Linearizable
			verdict := "ok"
			if bad {
				want, verdict = linearize.NotLinearizable, "illegal"
			}
			for _, c := range []struct {
				name string
				m    porcupine.Model
				h    []linearize.Operation
			}{{"reference", ref, h}, {"model", hand, toModel(h, tc.conv)}} {
				b.Run(fmt.Sprintf("%s/%s/%s", tc.name, verdict, c.name), func(b *testing.B) {
					for range b.N {
						res, err := linearize.Check(c.m, c.h, linearize.Config{})
						if err != nil || res.Verdict != want {
							b.Fatalf("verdict %v (%v), want %v", res.Verdict, err, want)
						}
					}
				})
			}
		}
	}
}
