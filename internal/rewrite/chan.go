package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Channels become sched.Chan. Every channel type, chan T, <-chan T and
// chan<- T alike, becomes sched.Chan[T]: the original file type-checked
// with the directions, so no operation of the rewritten file goes against
// one, and a single type keeps the implicit conversions of a
// bidirectional channel to a directional one (assignments, arguments,
// results) valid without a conversion at each. Two types that differed
// only by direction become one (a type switch with a case for each would
// no longer compile; the build says so).
//
//	make(chan T, n)   sched.MakeChan[T](n)
//	ch <- v           ch.Send(v)
//	<-ch              ch.Recv()
//	v, ok := <-ch     v, ok := ch.Recv2()
//	close(ch)         ch.Close()
//	len(ch), cap(ch)  ch.Len(), ch.Cap()
//	for v := range ch for v := range ch.Range()
//	nil               (sched.Chan[T]{}), where the type is a channel's
//	select            a switch on sched.Select (see selectStmt)

// chansOK reports whether sched has what the rewrite of channels
// needs; if not, it notes the operation at p.
func (r *rewriter) chansOK(p token.Pos, what string) bool {
	if r.chans == 0 {
		r.chans = 2
		if s := r.cfg.Sched; s != nil {
			if c, ok := s.Scope().Lookup("Chan").(*types.TypeName); ok {
				if m, _, _ := types.LookupFieldOrMethod(c.Type(), false, s, "RecvVars"); m != nil && s.Scope().Lookup("Select") != nil {
					r.chans = 1
				}
			}
		}
	}
	if r.chans != 1 {
		r.note(p, blocks, what, "this sched has no Chan and Select for the rewrite: it runs outside the scheduler")
	}
	return r.chans == 1
}

// plainChan returns the channel type of e, if e's type is an unnamed
// channel type (or an alias of one): the only ones whose operations the
// rewrite turns into sched.Chan methods. Otherwise it notes the
// operation, which stays outside the scheduler, and returns nil.
func (r *rewriter) plainChan(e ast.Expr, at token.Pos, what string) *types.Chan {
	t := r.cfg.Info.TypeOf(e)
	if t == nil || !r.chansOK(at, what) {
		return nil
	}
	if c, ok := types.Unalias(t).(*types.Chan); ok {
		return c
	}
	r.note(at, blocksFatal, what, "the channel's type %s is not an unnamed chan type, which is all the rewrite turns into sched.Chan yet: it runs outside the scheduler", t)
	return nil
}

// mayBeChan reports whether t, the type of an operand of len, cap or
// close, may be a channel: a channel type, or a type parameter whose type
// set has one.
func mayBeChan(t types.Type) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Chan:
		return true
	case *types.TypeParam:
		found := false
		iface, _ := t.Underlying().(*types.Interface)
		if iface == nil {
			return false
		}
		for i := range iface.NumEmbeddeds() {
			if u, ok := iface.EmbeddedType(i).(*types.Union); ok {
				for j := range u.Len() {
					_, c := u.Term(j).Type().Underlying().(*types.Chan)
					found = found || c
				}
			} else if _, c := iface.EmbeddedType(i).Underlying().(*types.Chan); c {
				found = true
			}
		}
		return found
	case *types.Named:
		_, ok := t.Underlying().(*types.Chan)
		return ok
	}
	return false
}

// wrap renders e, in parentheses unless it is a primary expression, so
// that a method can be called on it.
func (r *rewriter) wrap(e ast.Expr) string {
	switch unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.CompositeLit:
		if _, ok := e.(*ast.ParenExpr); !ok {
			return r.renderNode(e)
		}
	}
	return "(" + r.renderNode(e) + ")"
}

// chanType rewrites a channel type.
func (r *rewriter) chanType(t *ast.ChanType) {
	if !r.chansOK(t.Pos(), "channel type") {
		return
	}
	r.useSched = true
	r.edits = append(r.edits, edit{r.off(t.Pos()), r.off(t.End()), func() string {
		return r.alias + ".Chan[" + r.renderNode(t.Value) + "]"
	}})
}

// send rewrites ch <- v.
func (r *rewriter) send(s *ast.SendStmt) {
	if r.plainChan(s.Chan, s.Arrow, "channel send") == nil {
		return
	}
	r.edits = append(r.edits, edit{r.off(s.Pos()), r.off(s.End()), func() string {
		return r.wrap(s.Chan) + r.dirAt(r.off(s.Arrow)) + ".Send(" + r.renderNode(s.Value) + ")"
	}})
}

// recv rewrites <-ch, or v, ok = <-ch if two.
func (r *rewriter) recv(u *ast.UnaryExpr, two bool) {
	if r.plainChan(u.X, u.OpPos, "channel receive") == nil {
		return
	}
	m := ".Recv()"
	if two {
		m = ".Recv2()"
	}
	r.edits = append(r.edits, edit{r.off(u.Pos()), r.off(u.End()), func() string {
		return r.wrap(u.X) + r.dirAt(r.off(u.OpPos)) + m
	}})
}

// markRecv2 notes the receive of v, ok = <-ch (an assignment, a
// definition or a var declaration), which becomes Recv2.
func (r *rewriter) markRecv2(lhs int, rhs []ast.Expr) {
	if lhs != 2 || len(rhs) != 1 {
		return
	}
	if u, ok := unparen(rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		if r.recv2 == nil {
			r.recv2 = map[*ast.UnaryExpr]bool{}
		}
		r.recv2[u] = true
	}
}

// rangeChan rewrites for v := range ch.
func (r *rewriter) rangeChan(s *ast.RangeStmt) {
	if r.plainChan(s.X, s.For, "range over a channel") == nil {
		return
	}
	// Insertions around X, which may hold edits of its own.
	pos, end := r.off(s.X.Pos()), r.off(s.X.End())
	suffix := ".Range()"
	switch unparen(s.X).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr:
	default:
		r.edits = append(r.edits, edit{pos, pos, func() string { return "(" }})
		suffix = ")" + suffix
	}
	r.edits = append(r.edits, edit{end, end, func() string { return suffix }})
}

// builtin rewrites make(chan T[, n]), close, len and cap of channels.
func (r *rewriter) builtin(c *ast.CallExpr, name string) {
	if len(c.Args) == 0 {
		return
	}
	info := r.cfg.Info
	arg := c.Args[0]
	switch name {
	case "make":
		ct, ok := unparen(arg).(*ast.ChanType)
		if !ok {
			if mayBeChan(info.TypeOf(arg)) {
				r.note(c.Pos(), blocksFatal, "make of a channel", "the channel's type %s is not written as chan T here: it is not rewritten", info.TypeOf(arg))
			}
			return
		}
		if !r.chansOK(c.Pos(), "make of a channel") {
			return
		}
		r.useSched = true
		r.edits = append(r.edits, edit{r.off(c.Pos()), r.off(c.End()), func() string {
			size := "0"
			if len(c.Args) > 1 {
				size = r.renderNode(c.Args[1])
			}
			return r.alias + ".MakeChan[" + r.renderNode(ct.Value) + "](" + size + ")"
		}})
	case "close", "len", "cap":
		if !mayBeChan(info.TypeOf(arg)) {
			return
		}
		if r.plainChan(arg, c.Pos(), name+" of a channel") == nil {
			return
		}
		m := map[string]string{"close": ".Close()", "len": ".Len()", "cap": ".Cap()"}[name]
		r.edits = append(r.edits, edit{r.off(c.Pos()), r.off(c.End()), func() string {
			return r.wrap(arg) + r.dirAt(r.off(c.Pos())) + m
		}})
	}
}

// selectStmt rewrites
//
//	select {
//	case v := <-a:
//		...
//	case b <- x:
//		...
//	default:
//		...
//	}
//
// into
//
//	{ ilv_c0, ilv_c1, ilv_x1 := a, b, x; ilv_v0, ilv_ok0 := ilv_c0.RecvVars()
//	switch sched.Select(true, ilv_c0.RecvCase(&ilv_v0, &ilv_ok0), ilv_c1.SendCase(ilv_x1)) {
//	case 0: v := ilv_v0; ...
//	case 1: ...
//	default: ...
//	} }
//
// The channels and the values sent are evaluated once, in source order,
// before the select, as the select statement evaluates them; a case's
// assignment is done when the case is chosen; break leaves the switch as
// it left the select. A label on the select goes on the switch, inside
// the block.
func (r *rewriter) selectStmt(s *ast.SelectStmt, label *ast.LabeledStmt) {
	info := r.cfg.Info
	if r.skip == nil {
		r.skip = map[ast.Node]bool{}
	}
	type kase struct {
		clause *ast.CommClause
		ch     ast.Expr
		send   *ast.SendStmt
		assign *ast.AssignStmt
	}
	var cases []kase
	hasDefault := false
	ok := true
	for _, c := range s.Body.List {
		cc := c.(*ast.CommClause)
		k := kase{clause: cc}
		switch comm := cc.Comm.(type) {
		case nil:
			hasDefault = true
			continue
		case *ast.SendStmt:
			k.send, k.ch = comm, comm.Chan
			r.skip[comm] = true
		case *ast.ExprStmt:
			u := unparen(comm.X).(*ast.UnaryExpr)
			k.ch = u.X
			r.skip[u] = true
		case *ast.AssignStmt:
			u := unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			k.ch, k.assign = u.X, comm
			r.skip[u] = true
		}
		if r.plainChan(k.ch, cc.Case, "select case") == nil {
			ok = false
		}
		cases = append(cases, k)
	}
	if !ok {
		return
	}
	r.useSched = true
	start := s.Pos()
	if label != nil {
		start = label.Pos()
	}
	r.n++
	id := r.n
	r.edits = append(r.edits, edit{r.off(start), r.off(s.End()), func() string {
		name := func(kind string, i int) string { return fmt.Sprintf("ilv_%s%d_%d", kind, id, i) }
		var b strings.Builder
		b.WriteString("{ ")
		var names, values, vars, args []string
		for i, k := range cases {
			names = append(names, name("c", i))
			values = append(values, r.renderNode(k.ch))
			if k.send != nil {
				if tv := info.Types[k.send.Value]; tv.Value != nil || tv.IsNil() {
					args = append(args, name("c", i)+".SendCase("+r.renderNode(k.send.Value)+")")
					continue
				}
				names = append(names, name("x", i))
				values = append(values, r.renderNode(k.send.Value))
				args = append(args, name("c", i)+".SendCase("+name("x", i)+")")
				continue
			}
			if k.assign == nil || allBlank(k.assign.Lhs) {
				args = append(args, name("c", i)+".RecvCase(nil, nil)")
				continue
			}
			vars = append(vars, name("v", i)+", "+name("ok", i)+" := "+name("c", i)+".RecvVars(); ")
			args = append(args, name("c", i)+".RecvCase(&"+name("v", i)+", &"+name("ok", i)+")")
		}
		if len(names) > 0 {
			b.WriteString(strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; ")
		}
		for _, v := range vars {
			b.WriteString(v)
		}
		if label != nil {
			b.WriteString(r.dirAt(r.off(label.Pos())) + label.Label.Name + ": ")
		}
		b.WriteString(r.dirAt(r.off(s.Select)) + "switch " + r.alias + ".Select(" + strings.Join(append([]string{strconv.FormatBool(hasDefault)}, args...), ", ") + ") {")
		i := 0
		for _, c := range s.Body.List {
			cc := c.(*ast.CommClause)
			if cc.Comm == nil {
				b.WriteString("\n" + r.dirAt(r.off(cc.Case)) + "default:")
			} else {
				k := cases[i]
				fmt.Fprintf(&b, "\n%scase %d:", r.dirAt(r.off(cc.Case)), i)
				if k.assign != nil && !allBlank(k.assign.Lhs) {
					rhs := []string{name("v", i), name("ok", i)}[:len(k.assign.Lhs)]
					var lhs []string
					for _, l := range k.assign.Lhs {
						lhs = append(lhs, r.renderNode(l))
					}
					b.WriteString(" " + strings.Join(lhs, ", ") + " " + k.assign.Tok.String() + " " + strings.Join(rhs, ", ") + ";")
				}
				i++
			}
			b.WriteString(r.dirAt(r.off(cc.Colon)+1) + r.render(r.off(cc.Colon)+1, r.off(cc.End())))
		}
		if !hasDefault && r.endsFunc(s, label) {
			// Select returns -1 only once the run is over; there, the
			// goroutine parks as the select would have, and the function
			// still ends in a terminating statement.
			b.WriteString("\ndefault: select {}")
		}
		b.WriteString("\n" + r.dirAt(r.off(s.Body.Rbrace)) + "} }")
		return b.String()
	}})
}

// endsFunc reports whether the select (with its label) is the last
// statement of a function with results, where it must be terminating.
func (r *rewriter) endsFunc(s *ast.SelectStmt, label *ast.LabeledStmt) bool {
	var n ast.Node = s
	if label != nil {
		n = label
	}
	body, ok := r.parent[n].(*ast.BlockStmt)
	if !ok || len(body.List) == 0 || body.List[len(body.List)-1] != n {
		return false
	}
	switch f := r.parent[body].(type) {
	case *ast.FuncDecl:
		return f.Type.Results != nil
	case *ast.FuncLit:
		return f.Type.Results != nil
	}
	return false
}

func allBlank(es []ast.Expr) bool {
	for _, e := range es {
		if id, ok := e.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return true
}

// nilChan rewrites nil where a channel is meant, as far as the context
// says which type is meant: compared with, assigned to, declared as,
// returned as, passed as, or sent as a channel.
func (r *rewriter) nilChan(id *ast.Ident) {
	if _, ok := r.cfg.Info.Uses[id].(*types.Nil); !ok {
		return
	}
	t := r.nilTarget(id)
	if t == nil {
		return
	}
	c, ok := types.Unalias(t).(*types.Chan)
	if !ok {
		return
	}
	if !r.chansOK(id.Pos(), "nil channel") {
		return
	}
	text, ok := r.typeText(c.Elem())
	if !ok {
		r.note(id.Pos(), fatal, "nil channel", "the rewrite cannot name the element type %s here; write the channel's zero value another way (a variable of the type)", c.Elem())
		return
	}
	r.useSched = true
	r.replace(id, "("+r.alias+".Chan["+text+"]{})")
}

func (r *rewriter) nilTarget(id *ast.Ident) types.Type {
	info := r.cfg.Info
	index := func(list []ast.Expr) int {
		for i, e := range list {
			if unparen(e) == ast.Expr(id) {
				return i
			}
		}
		return -1
	}
	var p ast.Node = r.parent[id]
	for {
		q, ok := p.(*ast.ParenExpr)
		if !ok {
			break
		}
		p = r.parent[q]
	}
	switch p := p.(type) {
	case *ast.BinaryExpr:
		if unparen(p.X) == ast.Expr(id) {
			return info.TypeOf(p.Y)
		}
		return info.TypeOf(p.X)
	case *ast.AssignStmt:
		if i := index(p.Rhs); i >= 0 && len(p.Lhs) == len(p.Rhs) {
			return info.TypeOf(p.Lhs[i])
		}
	case *ast.ValueSpec:
		if p.Type != nil {
			return info.TypeOf(p.Type)
		}
	case *ast.ReturnStmt:
		i := index(p.Results)
		for f := r.parent[p]; f != nil && i >= 0; f = r.parent[f] {
			var sig *types.Signature
			switch f := f.(type) {
			case *ast.FuncLit:
				sig, _ = info.TypeOf(f).(*types.Signature)
			case *ast.FuncDecl:
				if fn, ok := info.Defs[f.Name].(*types.Func); ok {
					sig = fn.Type().(*types.Signature)
				}
			default:
				continue
			}
			if sig != nil && sig.Results().Len() == len(p.Results) {
				return sig.Results().At(i).Type()
			}
			return nil
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[p.Fun]; ok && tv.IsType() {
			return tv.Type // a conversion: (chan T)(nil)
		}
		sig, ok := info.TypeOf(p.Fun).(*types.Signature)
		i := index(p.Args)
		if !ok || i < 0 {
			return nil
		}
		if sig.Variadic() && i >= sig.Params().Len()-1 {
			if p.Ellipsis.IsValid() {
				return sig.Params().At(sig.Params().Len() - 1).Type()
			}
			return sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
		}
		if i < sig.Params().Len() {
			return sig.Params().At(i).Type()
		}
	case *ast.SendStmt:
		if c, ok := types.Unalias(info.TypeOf(p.Chan)).(*types.Chan); ok && unparen(p.Value) == ast.Expr(id) {
			return c.Elem()
		}
	}
	return nil
}

// typeText writes t as the file can name it, channel types as sched's,
// or reports that it cannot.
func (r *rewriter) typeText(t types.Type) (string, bool) {
	ok := true
	qual := func(p *types.Package) string {
		if p == r.cfg.Pkg {
			return ""
		}
		for _, s := range r.f.Imports {
			if pn := r.pkgName(s); pn != nil && pn.Imported() == p && pn.Name() != "." && pn.Name() != "_" {
				return pn.Name()
			}
		}
		ok = false
		return ""
	}
	var walk func(t types.Type) string
	walk = func(t types.Type) string {
		switch t := t.(type) {
		case *types.Chan:
			return r.alias + ".Chan[" + walk(t.Elem()) + "]"
		case *types.Pointer:
			return "*" + walk(t.Elem())
		case *types.Slice:
			return "[]" + walk(t.Elem())
		case *types.Array:
			return fmt.Sprintf("[%d]%s", t.Len(), walk(t.Elem()))
		case *types.Map:
			return "map[" + walk(t.Key()) + "]" + walk(t.Elem())
		case *types.Basic:
			if t.Kind() == types.UnsafePointer {
				ok = false
			}
			return t.Name()
		case *types.TypeParam:
			return t.Obj().Name()
		case *types.Struct:
			if t.NumFields() == 0 {
				return "struct{}"
			}
		case *types.Interface:
			if t.Empty() {
				return "any"
			}
		case *types.Named, *types.Alias:
			obj := t.(interface{ Obj() *types.TypeName }).Obj()
			if obj.Pkg() == nil {
				return obj.Name() // error, comparable
			}
			if obj.Parent() != obj.Pkg().Scope() {
				break // declared in a function
			}
			s := obj.Name()
			if q := qual(obj.Pkg()); q != "" {
				s = q + "." + s
			}
			var args *types.TypeList
			if n, isNamed := t.(*types.Named); isNamed {
				args = n.TypeArgs()
			} else {
				args = t.(*types.Alias).TypeArgs()
			}
			if args.Len() > 0 {
				var as []string
				for i := range args.Len() {
					as = append(as, walk(args.At(i)))
				}
				s += "[" + strings.Join(as, ", ") + "]"
			}
			return s
		}
		ok = false
		return ""
	}
	s := walk(t)
	return s, ok
}

// holdsChan reports whether a value of type t holds a channel that code
// of a package that is not rewritten can see: directly, or through
// pointers, slices, arrays, maps, unnamed structs, function types and
// types of rewritten packages.
func (r *rewriter) holdsChan(t types.Type) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			return walk(types.Unalias(t))
		case *types.Chan:
			return true
		case *types.Named:
			return t.Obj().Pkg() != nil && r.rewritten(t.Obj().Pkg()) && walk(t.Underlying())
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) || walk(t.Elem())
		case *types.Struct:
			for i := range t.NumFields() {
				if walk(t.Field(i).Type()) {
					return true
				}
			}
		case *types.Signature:
			for i := range t.Params().Len() {
				if walk(t.Params().At(i).Type()) {
					return true
				}
			}
			for i := range t.Results().Len() {
				if walk(t.Results().At(i).Type()) {
					return true
				}
			}
		case *types.Tuple:
			for i := range t.Len() {
				if walk(t.At(i).Type()) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

const crossWhy = "a channel shared with code that is not rewritten cannot become a sched.Chan, so its operations would escape the scheduler"
