package stress

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/linearize"
)

// box is a type with every kind of method Compare must handle.
type box struct{ v int }

func (b *box) Put(k string, v int)            { b.v = v }
func (b *box) Get(k string) (int, bool)       { return b.v, b.v != 0 }
func (b *box) Check(n uint8) error            { return checkErr(int(n) > b.v) }
func (b *box) Boom()                          { panic("boom") }
func (b *box) Sum(xs ...int) int              { return len(xs) }
func (b *box) Wait(ctx context.Context) error { return ctx.Err() }
func (b *box) Ptr(p *struct{ A int }) int     { return p.A }

// Clone lets the reference checker clone a box rather than replay calls.
func (b *box) Clone() *box { c := *b; return &c }

func checkErr(bad bool) error {
	if bad {
		return errors.New("too big")
	}
	return nil
}

// otherBox has Get with another signature.
type otherBox struct{}

func (otherBox) Get(k string) int { return 0 }

type chanBox struct{}

func (chanBox) Send(c chan int) {}

func TestMethodSetErrors(t *testing.T) {
	none, _ := splitOptions(nil)
	named, _ := splitOptions([]Option{Methods("Get")})
	wrongArg, _ := splitOptions([]Option{Arg("Get", 0, rapid.Int())})
	for _, c := range []struct {
		name     string
		impl, rf reflect.Type
		mo       methodOpts
		want     string
	}{
		{"signature", reflect.TypeFor[*box](), reflect.TypeFor[otherBox](), named, "Get is func(string) (int, bool) on *stress.box but func(string) int on the reference"},
		{"missing", reflect.TypeFor[*box](), reflect.TypeFor[otherBox](), none, "the reference stress.otherBox has no method Boom"},
		{"unknown", reflect.TypeFor[otherBox](), reflect.TypeFor[otherBox](), func() methodOpts { m, _ := splitOptions([]Option{Methods("Nope")}); return m }(), "has no exported method Nope"},
		{"undrawable", reflect.TypeFor[chanBox](), reflect.TypeFor[chanBox](), none, "cannot draw parameter 0 (chan int) of Send"},
		{"arg type", reflect.TypeFor[*box](), reflect.TypeFor[*box](), wrongArg, `Arg("Get", 0): the parameter is a string, the generator draws int`},
	} {
		_, err := newMethodSet(c.impl, c.rf, c.mo)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "stress: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestCallsAsWritten draws calls of every method of box and runs them:
// the texts read like Go, and every kind of argument and result shows.
func TestCallsAsWritten(t *testing.T) {
	mo, _ := splitOptions([]Option{Args(rapid.Just(7)), Arg("Get", 0, rapid.Just("k"))})
	ms, err := newMethodSet(reflect.TypeFor[*box](), reflect.TypeFor[*box](), mo)
	if err != nil {
		t.Fatal(err)
	}
	if ms.recv != "b" {
		t.Errorf("receiver %q, want b", ms.recv)
	}
	seen := map[string]bool{}
	gen := ms.ops()
	for i := range 1000 {
		c := gen.Example(i)
		b := reflect.ValueOf(&box{v: 7})
		seen[c.text+" -> "+formatRet(c, invoke(b, c.m.impl, c))] = true
	}
	for _, want := range []string{
		`b.Put("a", 7) -> ok`,
		`b.Get("k") -> 7, true`,
		`b.Check(4) -> nil`,
		`b.Boom() -> panic("boom")`,
		`b.Sum(7, 7) -> 2`,
		`b.Sum() -> 0`,
		`b.Wait(ctx) -> nil`,
		`b.Wait(cancelledCtx) -> error("context canceled")`,
		`b.Ptr(&{7}) -> 7`,
	} {
		if !seen[want] {
			t.Errorf("never drew %s", want)
		}
	}
	// Check's default domain for uint8 is 0 to 4, below 7: no error drawn.
	for s := range seen {
		if strings.Contains(s, "too big") {
			t.Errorf("drew %s", s)
		}
	}
}

// TestReferenceCompares checks histories against a reference: results,
// errors and panics must match it, in some order consistent with real
// time.
func TestReferenceCompares(t *testing.T) {
	ms, err := newMethodSet(reflect.TypeFor[*box](), reflect.TypeFor[*box](), methodOpts{byType: map[reflect.Type]func(*rapid.T, string) reflect.Value{}, byParam: map[paramKey]paramGen{}})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*method{}
	for _, m := range ms.methods {
		byName[m.name] = m
	}
	mk := func(name string, args ...any) call {
		c := call{m: byName[name]}
		for _, a := range args {
			c.args = append(c.args, reflect.ValueOf(a))
		}
		c.text = ms.format(c)
		return c
	}
	val := func(vs ...any) ret {
		r := ret{}
		for i, v := range vs {
			rv := reflect.ValueOf(v)
			if v == nil {
				rv = reflect.Zero(errType)
			} else if _, ok := v.(error); ok && i == len(vs)-1 {
				rv = reflect.New(errType).Elem()
				rv.Set(reflect.ValueOf(v))
			}
			r.vals = append(r.vals, rv)
		}
		return r
	}
	plain, err := (&reference[*box]{newR: func() *box { return new(box) }, ms: ms}).Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	cloning, err := (&reference[*box]{newR: func() *box { return new(box) }, ms: ms, clone: cloner[*box]()}).Porcupine()
	if err != nil || cloner[*box]() == nil {
		t.Fatal("no cloning reference", err)
	}
	op := func(thread int, c call, out ret, call, ret int64) linearize.Operation {
		return linearize.Operation{Thread: thread, Input: c, Output: out, Call: call, Return: ret}
	}
	put, get := mk("Put", "a", 5), mk("Get", "a")
	check := mk("Check", uint8(3))
	cases := []struct {
		name string
		h    []linearize.Operation
		want linearize.Verdict
	}{
		// Get overlaps Put: it may see 5 or nothing.
		{"overlap new", []linearize.Operation{op(1, put, val(), 0, 3), op(2, get, val(5, true), 1, 2)}, linearize.Linearizable},
		{"overlap old", []linearize.Operation{op(1, put, val(), 0, 3), op(2, get, val(0, false), 1, 2)}, linearize.Linearizable},
		// After Put returned, Get must see 5.
		{"stale", []linearize.Operation{op(1, put, val(), 0, 1), op(2, get, val(0, false), 2, 3)}, linearize.NotLinearizable},
		{"error", []linearize.Operation{op(1, check, val(errors.New("too big")), 0, 1)}, linearize.Linearizable},
		{"error text", []linearize.Operation{op(1, check, val(errors.New("other")), 0, 1)}, linearize.NotLinearizable},
		{"no error", []linearize.Operation{op(1, check, val(nil), 0, 1)}, linearize.NotLinearizable},
		{"panic", []linearize.Operation{op(1, mk("Boom"), ret{panicked: true, panicVal: `"boom"`}, 0, 1)}, linearize.Linearizable},
		{"no panic", []linearize.Operation{op(1, mk("Boom"), ret{}, 0, 1)}, linearize.NotLinearizable},
		// A pending Put may have taken effect.
		{"pending", []linearize.Operation{{Thread: 1, Input: put, Call: 0, Pending: true}, op(2, get, val(5, true), 1, 2)}, linearize.Linearizable},
		// Three Puts and Gets in every order: the checker must come back
		// to earlier states, from replay or from clones.
		{"orders", []linearize.Operation{
			op(1, mk("Put", "a", 1), val(), 0, 10), op(2, mk("Put", "a", 2), val(), 0, 10), op(3, mk("Put", "a", 3), val(), 0, 10),
			op(1, get, val(3, true), 11, 12), op(2, get, val(3, true), 11, 12)}, linearize.Linearizable},
		{"orders, stale", []linearize.Operation{
			op(1, mk("Put", "a", 1), val(), 0, 10), op(2, mk("Put", "a", 2), val(), 0, 10), op(3, mk("Put", "a", 3), val(), 0, 10),
			op(1, get, val(3, true), 11, 12), op(2, get, val(2, true), 13, 14)}, linearize.NotLinearizable},
	}
	for _, pm := range []porcupine.Model{plain, cloning} {
		for _, c := range cases {
			res, err := linearize.Check(pm, c.h, linearize.Config{})
			if err != nil || res.Verdict != c.want {
				t.Errorf("%s: %v (%v), want %v", c.name, res.Verdict, err, c.want)
			}
		}
	}
}

// cells hands out its internals, as types do.
type cells struct{ c []int }

func (c *cells) Snapshot() []int { return c.c }
func (c *cells) Inc(i uint8)     { c.c[int(i)%len(c.c)]++ }

// TestResultsAreCopied checks that a result sharing memory with the type
// keeps the value it had when the call returned.
func TestResultsAreCopied(t *testing.T) {
	ms, err := newMethodSet(reflect.TypeFor[*cells](), reflect.TypeFor[*cells](), methodOpts{})
	if err != nil {
		t.Fatal(err)
	}
	var snap, inc *method
	for _, m := range ms.methods {
		if m.name == "Snapshot" {
			snap = m
		} else {
			inc = m
		}
	}
	v := reflect.ValueOf(&cells{c: []int{0, 0}})
	first := invoke(v, snap.impl, call{m: snap})
	invoke(v, inc.impl, call{m: inc, args: []reflect.Value{reflect.ValueOf(uint8(0))}})
	second := invoke(v, snap.impl, call{m: snap})
	if got := fmt.Sprint(first.vals[0], second.vals[0]); got != "[0 0] [1 0]" {
		t.Errorf("snapshots %s, want [0 0] [1 0]", got)
	}
}

// depot has two parameters drawn from one domain and one from its own.
type depot struct{}

func (depot) Move(from, to int, tag uint8) {}
func (depot) At(w int) int                 { return 0 }

// TestArgsReuse checks that a scenario's calls reuse earlier values: an
// At meets the warehouse a Move left from far more often than two
// independent draws from 0 to 3 would, and a value crosses only between
// parameters drawn by the same generator. The same draws give the same
// scenario.
func TestArgsReuse(t *testing.T) {
	mo, _ := splitOptions([]Option{Args(rapid.IntRange(0, 3)), Arg("Move", 1, rapid.IntRange(10, 13)), Methods("Move", "At")})
	ms, err := newMethodSet(reflect.TypeFor[depot](), reflect.TypeFor[depot](), mo)
	if err != nil {
		t.Fatal(err)
	}
	ops := ms.ops()
	scenario := rapid.Custom(func(t *rapid.T) []call {
		ms.begin()
		return rapid.SliceOfN(ops, 2, 2).Draw(t, "ops")
	})
	const n = 2000
	pairs, met := 0, 0
	for i := range n {
		sc := scenario.Example(i)
		var texts []string
		for _, c := range sc {
			texts = append(texts, c.text)
			if c.m.name == "Move" {
				if to := c.args[1].Int(); to < 10 || to > 13 {
					t.Fatalf("%s: to drawn out of its generator's domain", c.text)
				}
				if from := c.args[0].Int(); from < 0 || from > 3 {
					t.Fatalf("%s: from drawn out of its domain", c.text)
				}
			}
		}
		if again := scenario.Example(i); again[0].text != texts[0] || again[1].text != texts[1] {
			t.Fatalf("example %d drawn twice: %v, then %s and %s", i, texts, again[0].text, again[1].text)
		}
		if sc[0].m.name == "Move" && sc[1].m.name == "At" {
			pairs++
			if sc[1].args[0].Int() == sc[0].args[0].Int() {
				met++
			}
		}
	}
	// Independent draws meet about one time in four (rapid's bias
	// toward small values makes it a little more); reuse, one time in
	// two, makes it well over one in two.
	if pairs < n/10 || float64(met) < 0.5*float64(pairs) {
		t.Errorf("an At met the warehouse of the Move before it %d times in %d", met, pairs)
	}
	t.Logf("an At met the warehouse of the Move before it %d times in %d", met, pairs)
}
