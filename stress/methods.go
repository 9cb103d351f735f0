package stress

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"pgregory.net/rapid"
)

// Methods limits [Compare] to the methods named; by default it calls
// every exported method of the type but Close and Clone.
func Methods(names ...string) Option {
	return methodOption(func(o *methodOpts) { o.names = append(o.names, names...) })
}

// Args makes [Compare] draw every value of type V with g, in place of its
// small default domain: parameters of type V, and the V elements, keys
// and fields inside other parameters.
func Args[V any](g *rapid.Generator[V]) Option {
	return methodOption(func(o *methodOpts) {
		o.byType[reflect.TypeFor[V]()] = drawWith(g)
	})
}

// Arg makes [Compare] draw parameter index (from 0, the receiver not
// counted) of the method named with g. It wins over [Args].
func Arg[V any](method string, index int, g *rapid.Generator[V]) Option {
	return methodOption(func(o *methodOpts) {
		o.byParam[paramKey{method, index}] = paramGen{typ: reflect.TypeFor[V](), draw: drawWith(g)}
	})
}

func drawWith[V any](g *rapid.Generator[V]) func(*rapid.T, string) reflect.Value {
	return func(t *rapid.T, label string) reflect.Value {
		v := g.Draw(t, label)
		return reflect.ValueOf(&v).Elem()
	}
}

// methodOption is an Option for Compare only: it leaves the config alone
// and is picked out of the options by Compare.
type methodOption func(*methodOpts)

func (methodOption) apply(*config) {}

type paramKey struct {
	method string
	index  int
}

type paramGen struct {
	typ  reflect.Type
	draw func(*rapid.T, string) reflect.Value
}

type methodOpts struct {
	names   []string
	skip    []string // methods not drawn unless named: Close, Clone
	byType  map[reflect.Type]func(*rapid.T, string) reflect.Value
	byParam map[paramKey]paramGen
}

// splitOptions separates Compare's options from the others.
func splitOptions(opts []Option) (methodOpts, []Option) {
	mo := methodOpts{byType: map[reflect.Type]func(*rapid.T, string) reflect.Value{}, byParam: map[paramKey]paramGen{}}
	var rest []Option
	for _, o := range opts {
		if m, ok := o.(methodOption); ok {
			m(&mo)
			continue
		}
		rest = append(rest, o)
	}
	return mo, rest
}

// method is one operation: a method of the type under test and the same
// method of the reference.
type method struct {
	name     string
	impl     int // index in the method set of the type under test
	ref      int // and of the reference
	params   []func(*rapid.T, string) reflect.Value
	pools    []any  // per parameter, the key of the values it may reuse (methodSet.arg), or nil
	ctx      []bool // which parameters are a context.Context
	variadic bool
	errs     []bool // which results are errors
}

// call is the input of one operation: a method and its arguments.
type call struct {
	m    *method
	args []reflect.Value
	text string
}

// GoString keeps the scenario cache key of stress mode free of
// addresses: it is the call as written.
func (c call) GoString() string { return c.text }

// ret is the output of one operation: its results, or what it panicked
// with.
type ret struct {
	vals     []reflect.Value
	panicked bool
	panicVal string
}

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
	// cancelled is the context a call gets when the scenario cancels it:
	// cancelled before the call, so that the call sees the same thing in
	// every execution and in the reference.
	cancelled = func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}()
)

// methodSet is the operations of a Compare.
type methodSet struct {
	recv    string // the receiver's name in reports: q for a *Queue
	methods []*method
	// seen holds, per pool (poolKey), the distinct values the calls of
	// the scenario being drawn got so far; begin empties it.
	seen map[any][]reflect.Value
}

// begin starts the draw of a scenario (Spec.scenario).
func (ms *methodSet) begin() { clear(ms.seen) }

// arg draws argument i of a call of m. A parameter that takes a scalar
// reuses, one time in two, a value that an earlier parameter drawn from
// the same domain got in this scenario (the same call's included): calls
// then meet on the same keys and indexes far more often than independent
// draws make them, which is what most races between two calls need (a
// Transfer(w, w, n) and an At(w)). The choice is drawn through rapid,
// so a scenario is still a function of the draws, and it shrinks toward
// fresh values.
func (ms *methodSet) arg(t *rapid.T, m *method, i int, label string) reflect.Value {
	key := m.pools[i]
	if key == nil {
		return m.params[i](t, label)
	}
	seen := ms.seen[key]
	if len(seen) > 0 && rapid.Bool().Draw(t, label+".reuse") {
		return seen[rapid.IntRange(0, len(seen)-1).Draw(t, label+".earlier")]
	}
	v := m.params[i](t, label)
	if !slices.ContainsFunc(seen, func(s reflect.Value) bool { return s.Equal(v) }) {
		if ms.seen == nil {
			ms.seen = map[any][]reflect.Value{}
		}
		ms.seen[key] = append(seen, v)
	}
	return v
}

// poolKey says which earlier values parameter i of method may reuse:
// those of parameters drawn by the same generator, so that a reused value
// is one the parameter's own generator could draw. A generator given with
// Arg is the parameter's alone; one given with Args, or the default
// domain, is its type's. Only scalars are reused (nil for the others): a
// slice or map shared by two calls could be changed by the first.
func poolKey(method string, i int, p reflect.Type, mo methodOpts) any {
	switch p.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
	default:
		return nil
	}
	if _, ok := mo.byParam[paramKey{method, i}]; ok {
		return paramKey{method, i}
	}
	return p
}

// newMethodSet matches the methods of impl and ref by name and checks
// that their signatures agree and that every parameter can be drawn.
func newMethodSet(impl, ref reflect.Type, mo methodOpts) (*methodSet, error) {
	ms := &methodSet{recv: receiverName(impl)}
	names := mo.names
	if len(names) == 0 {
		for i := range impl.NumMethod() {
			if name := impl.Method(i).Name; !slices.Contains(mo.skip, name) || methodType(impl, impl.Method(i)).NumIn() != 0 {
				names = append(names, name)
			}
		}
	}
	for _, name := range names {
		im, ok := impl.MethodByName(name)
		if !ok || !im.IsExported() {
			return nil, fmt.Errorf("stress: %v has no exported method %s", impl, name)
		}
		rm, ok := ref.MethodByName(name)
		if !ok {
			return nil, fmt.Errorf("stress: the reference %v has no method %s", ref, name)
		}
		it, rt := methodType(impl, im), methodType(ref, rm)
		if it != rt {
			return nil, fmt.Errorf("stress: %s is %v on %v but %v on the reference %v", name, it, impl, rt, ref)
		}
		m := &method{name: name, impl: im.Index, ref: rm.Index, variadic: it.IsVariadic()}
		for i := range it.NumIn() {
			p := it.In(i)
			m.ctx = append(m.ctx, p == ctxType)
			draw, err := paramDraw(name, i, p, mo)
			if err != nil {
				return nil, err
			}
			m.params = append(m.params, draw)
			m.pools = append(m.pools, poolKey(name, i, p, mo))
		}
		for i := range it.NumOut() {
			m.errs = append(m.errs, it.Out(i) == errType)
		}
		ms.methods = append(ms.methods, m)
	}
	if len(ms.methods) == 0 {
		return nil, fmt.Errorf("stress: %v has no exported methods to call", impl)
	}
	return ms, nil
}

// methodType is the type of a method without its receiver.
func methodType(t reflect.Type, m reflect.Method) reflect.Type {
	if t.Kind() == reflect.Interface {
		return m.Type
	}
	in := make([]reflect.Type, m.Type.NumIn()-1)
	for i := range in {
		in[i] = m.Type.In(i + 1)
	}
	out := make([]reflect.Type, m.Type.NumOut())
	for i := range out {
		out[i] = m.Type.Out(i)
	}
	return reflect.FuncOf(in, out, m.Type.IsVariadic())
}

func paramDraw(method string, i int, p reflect.Type, mo methodOpts) (func(*rapid.T, string) reflect.Value, error) {
	if g, ok := mo.byParam[paramKey{method, i}]; ok {
		if g.typ != p {
			return nil, fmt.Errorf("stress: Arg(%q, %d): the parameter is a %v, the generator draws %v", method, i, p, g.typ)
		}
		return g.draw, nil
	}
	if g, ok := mo.byType[p]; ok {
		return g, nil
	}
	if p == ctxType {
		return func(t *rapid.T, label string) reflect.Value {
			// One call in four gets a cancelled context.
			if rapid.IntRange(0, 3).Draw(t, label) == 3 {
				return reflect.ValueOf(&cancelled).Elem()
			}
			bg := context.Background()
			return reflect.ValueOf(&bg).Elem()
		}, nil
	}
	if err := drawable(p, mo.byType); err != nil {
		return nil, fmt.Errorf("stress: cannot draw parameter %d (%v) of %s: %w; give a generator with stress.Arg or stress.Args", i, p, method, err)
	}
	return func(t *rapid.T, label string) reflect.Value { return drawValue(t, p, label, mo.byType) }, nil
}

// The default domains are small, so that calls collide: the same keys,
// the same values.
var defaultStrings = []string{"a", "b", "c", "d"}

func drawable(t reflect.Type, byType map[reflect.Type]func(*rapid.T, string) reflect.Value) error {
	if byType[t] != nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return nil
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return drawable(t.Elem(), byType)
	case reflect.Map:
		if err := drawable(t.Key(), byType); err != nil {
			return err
		}
		return drawable(t.Elem(), byType)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				if err := drawable(f.Type, byType); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return fmt.Errorf("no default for a %v", t.Kind())
}

// drawValue draws a value of type t with the generator given for its
// type, or else from a small domain: integers from -4 to 4 (0 to 4
// unsigned), strings "a" to "d", up to 3 elements.
func drawValue(t *rapid.T, typ reflect.Type, label string, byType map[reflect.Type]func(*rapid.T, string) reflect.Value) reflect.Value {
	if g := byType[typ]; g != nil {
		return g(t, label)
	}
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.Bool:
		v.SetBool(rapid.Bool().Draw(t, label))
	case reflect.String:
		v.SetString(rapid.SampledFrom(defaultStrings).Draw(t, label))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(rapid.IntRange(-4, 4).Draw(t, label)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(rapid.IntRange(0, 4).Draw(t, label)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(rapid.IntRange(-4, 4).Draw(t, label)))
	case reflect.Slice:
		n := rapid.IntRange(0, 3).Draw(t, label+".len")
		s := reflect.MakeSlice(typ, n, n)
		for i := range n {
			s.Index(i).Set(drawValue(t, typ.Elem(), label, byType))
		}
		v.Set(s)
	case reflect.Array:
		for i := range typ.Len() {
			v.Index(i).Set(drawValue(t, typ.Elem(), label, byType))
		}
	case reflect.Map:
		m := reflect.MakeMap(typ)
		for range rapid.IntRange(0, 3).Draw(t, label+".len") {
			m.SetMapIndex(drawValue(t, typ.Key(), label, byType), drawValue(t, typ.Elem(), label, byType))
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(typ.Elem())
		p.Elem().Set(drawValue(t, typ.Elem(), label, byType))
		v.Set(p)
	case reflect.Struct:
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				v.Field(i).Set(drawValue(t, typ.Field(i).Type, label, byType))
			}
		}
	}
	return v
}

// ops is the generator of calls.
func (ms *methodSet) ops() *rapid.Generator[call] {
	return rapid.Custom(func(t *rapid.T) call {
		m := ms.methods[rapid.IntRange(0, len(ms.methods)-1).Draw(t, "method")]
		c := call{m: m, args: make([]reflect.Value, len(m.params))}
		for i := range m.params {
			c.args[i] = ms.arg(t, m, i, fmt.Sprintf("%s.%d", m.name, i))
		}
		c.text = ms.format(c)
		return c
	})
}

// format writes a call as the user would: q.Enqueue(3), c.Get("k").
func (ms *methodSet) format(c call) string {
	args := make([]string, len(c.args))
	for i, a := range c.args {
		switch {
		case c.m.ctx[i] && a.Interface() == cancelled:
			args[i] = "cancelledCtx"
		case c.m.ctx[i]:
			args[i] = "ctx"
		case c.m.variadic && i == len(c.args)-1:
			parts := make([]string, a.Len())
			for j := range parts {
				parts[j] = formatValue(a.Index(j), false)
			}
			args[i] = strings.Join(parts, ", ")
		default:
			args[i] = formatValue(a, false)
		}
	}
	if len(args) > 0 && c.m.variadic && args[len(args)-1] == "" {
		args = args[:len(args)-1]
	}
	return ms.recv + "." + c.m.name + "(" + strings.Join(args, ", ") + ")"
}

// formatRet writes what a call returned: 7, true.
func formatRet(c call, r ret) string {
	if r.panicked {
		return "panic(" + r.panicVal + ")"
	}
	if len(r.vals) == 0 {
		return "ok"
	}
	parts := make([]string, len(r.vals))
	for i, v := range r.vals {
		parts[i] = formatValue(v, c.m.errs[i])
	}
	return strings.Join(parts, ", ")
}

func formatValue(v reflect.Value, isErr bool) string {
	if isErr {
		if v.IsNil() {
			return "nil"
		}
		return fmt.Sprintf("error(%q)", v.Interface().(error).Error())
	}
	if !v.IsValid() {
		return "nil"
	}
	switch v.Kind() {
	case reflect.String:
		return fmt.Sprintf("%q", v.String())
	case reflect.Pointer:
		if v.IsNil() {
			return "nil"
		}
		if _, ok := v.Interface().(fmt.Stringer); !ok {
			return "&" + formatValue(v.Elem(), false)
		}
	case reflect.Interface:
		if v.IsNil() {
			return "nil"
		}
	}
	return fmt.Sprintf("%v", v.Interface())
}

// invoke calls method m of v (the type under test, or the reference)
// and records what it returned or panicked with.
func invoke(v reflect.Value, index int, c call) (r ret) {
	defer func() {
		if p := recover(); p != nil {
			r = ret{panicked: true, panicVal: fmt.Sprintf("%q", fmt.Sprint(p))}
		}
	}()
	f := v.Method(index)
	var out []reflect.Value
	if c.m.variadic {
		out = f.CallSlice(c.args)
	} else {
		out = f.Call(c.args)
	}
	for i, v := range out {
		out[i] = deepCopy(v, 8)
	}
	return ret{vals: out}
}

// deepCopy copies the slices, maps and pointed-to values reachable from v
// through exported fields, down to depth levels, so that a result that
// shares memory with the type (a slice of its internals) does not change
// after the call returned: the history and the reference's memo would
// then compare values the calls never returned.
func deepCopy(v reflect.Value, depth int) reflect.Value {
	if depth == 0 || !v.IsValid() {
		return v
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i), depth-1))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), deepCopy(it.Value(), depth-1))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(deepCopy(v.Elem(), depth-1))
		return c
	case reflect.Array, reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		if v.Kind() == reflect.Array {
			for i := range v.Len() {
				c.Index(i).Set(deepCopy(v.Index(i), depth-1))
			}
			return c
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				c.Field(i).Set(deepCopy(v.Field(i), depth-1))
			}
		}
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(deepCopy(v.Elem(), depth-1))
		return c
	}
	return v
}

// equalRet compares two outputs of the same method: errors by message,
// everything else with reflect.DeepEqual, panics by their value's text.
func equalRet(m *method, a, b ret) bool {
	if a.panicked || b.panicked {
		return a.panicked == b.panicked && a.panicVal == b.panicVal
	}
	if len(a.vals) != len(b.vals) {
		return false
	}
	for i := range a.vals {
		x, y := a.vals[i], b.vals[i]
		if m.errs[i] {
			if x.IsNil() != y.IsNil() || !x.IsNil() && x.Interface().(error).Error() != y.Interface().(error).Error() {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(x.Interface(), y.Interface()) {
			return false
		}
	}
	return true
}

// receiverName is the name a report gives the value under test: the
// first letter, lower case, of the last word of its type's name (q for a
// *LockFreeQueue).
func receiverName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	runes := []rune(name)
	if len(runes) == 0 {
		return "v"
	}
	last := max(0, slices.IndexFunc(runes, unicode.IsUpper))
	for i, r := range runes {
		if unicode.IsUpper(r) {
			last = i
		}
	}
	return strings.ToLower(string(runes[last]))
}
