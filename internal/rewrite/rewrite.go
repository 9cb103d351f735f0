package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// Config is what the rewrite of a file needs beyond the file itself.
type Config struct {
	Fset  *token.FileSet
	Pkg   *types.Package // the package of the file, type-checked
	Info  *types.Info    // its type information: Types, Defs, Uses, Implicits, Selections
	Sched *types.Package // package sched as the build sees it; nil if the build has none

	// Rewritten reports whether the package with this path is rewritten
	// too. Values of swapped types that cross into a package that is not
	// rewritten are reported.
	Rewritten func(pkgPath string) bool
}

// Note is an operation the rewrite leaves outside the scheduler, or
// cannot rewrite.
type Note struct {
	Pos   token.Position // in the original file
	What  string         // the operation, as written: "sync.WaitGroup", "channel send"
	Why   string
	Fatal bool // the rewritten file would not compile or would be wrong
	// Blocks says that the operation may block where the scheduler cannot
	// see it: a controlled run that reaches it would end as a hang.
	Blocks bool
}

// String formats the note as file:line:col: what: why.
func (n Note) String() string {
	return fmt.Sprintf("%s: %s: %s", n.Pos, n.What, n.Why)
}

// Result is a rewritten file.
type Result struct {
	Src     []byte // the rewritten source, with line directives to the original
	Changed bool   // whether anything was rewritten; if not, Src is nil
	Notes   []Note // sorted by position
}

// File rewrites f, parsed from src, so that its operations on sync and
// sync/atomic go through package sched: the package qualifier of every
// mirrored name is swapped (atomic.Int64 becomes sched.Int64; method
// calls stay as they are, since the mirror has the same methods), and
// every go statement becomes a call of sched.Go that evaluates the
// function and its arguments where the go statement did. filename is the
// absolute path of the original file: line directives point there.
func File(cfg *Config, f *ast.File, src []byte, filename string) Result {
	r := &rewriter{cfg: cfg, f: f, src: src, filename: filename, tf: cfg.Fset.File(f.Pos()),
		swapped: map[*types.PkgName]int{}, avail: map[string]bool{}}
	r.alias = r.schedName()
	r.parent = parents(f)
	ast.Inspect(f, r.visit)
	r.fixImports()
	sort.SliceStable(r.notes, func(i, j int) bool {
		a, b := r.notes[i].Pos, r.notes[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	res := Result{Notes: r.notes}
	if len(r.edits) == 0 {
		return res
	}
	// At one position, insertions come first, then an edit that encloses
	// another, which renders it.
	sort.SliceStable(r.edits, func(i, j int) bool {
		a, b := r.edits[i], r.edits[j]
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		if (a.end == a.pos) != (b.end == b.pos) {
			return a.end == a.pos
		}
		return a.end > b.end
	})
	res.Changed = true
	res.Src = []byte("//line " + filename + ":1:1\n" + r.render(0, len(src)))
	return res
}

type edit struct {
	pos, end int // byte offsets in the original source
	text     func() string
}

type rewriter struct {
	cfg      *Config
	f        *ast.File
	src      []byte
	filename string
	tf       *token.File
	alias    string // the name sched is imported as
	imported bool   // the file imports sched already
	useSched bool   // the rewritten file needs sched
	swapped  map[*types.PkgName]int
	avail    map[string]bool
	edits    []edit
	notes    []Note
	skip     map[ast.Node]bool       // nodes rewritten with their parent: a select's cases
	recv2    map[*ast.UnaryExpr]bool // receives of v, ok = <-ch
	parent   map[ast.Node]ast.Node
	n        int // selects rewritten
	chans    int // 0 unknown, 1 if sched has what channels need, 2 if not
}

func (r *rewriter) off(p token.Pos) int { return r.tf.Offset(p) }

// render returns the source in [from, to) with the edits inside it
// applied, each followed by a line directive back to the original.
func (r *rewriter) render(from, to int) string {
	var b strings.Builder
	cur := from
	for _, e := range r.edits {
		if e.pos < cur || e.end > to {
			continue // before the range, nested in an edit already applied, or after it
		}
		b.Write(r.src[cur:e.pos])
		b.WriteString(e.text())
		b.WriteString(r.dirAt(e.end))
		cur = e.end
	}
	b.Write(r.src[cur:to])
	return b.String()
}

func (r *rewriter) renderNode(n ast.Node) string {
	return r.dirAt(r.off(n.Pos())) + r.render(r.off(n.Pos()), r.off(n.End()))
}

// dirAt is a line directive that gives the next character the position
// of byte offset off of the original file.
func (r *rewriter) dirAt(off int) string {
	p := r.tf.PositionFor(r.tf.Pos(off), false)
	return fmt.Sprintf("/*line %s:%d:%d*/", r.filename, p.Line, p.Column)
}

func (r *rewriter) replace(n ast.Node, text string) {
	r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.End()), func() string { return text }})
}

// level is how bad a note is.
type level uint8

const (
	outside level = iota // outside the scheduler, but does not block
	blocks               // may block where the scheduler cannot see
	fatal                // the rewrite would not compile or would be wrong
	// blocksFatal is both: the package must be left to stress mode, and
	// with -interleave.partial the build fails instead.
	blocksFatal
)

// blocksIf is blocks if cond, else outside.
func blocksIf(cond bool) level {
	if cond {
		return blocks
	}
	return outside
}

func (r *rewriter) note(p token.Pos, lvl level, what, why string, args ...any) {
	r.notes = append(r.notes, Note{Pos: r.cfg.Fset.Position(p), What: what, Why: fmt.Sprintf(why, args...), Fatal: lvl == fatal || lvl == blocksFatal, Blocks: lvl == blocks || lvl == blocksFatal})
}

// schedName picks the name the file refers to sched by: the name of an
// existing import of it, or "sched" unless something else is called so.
func (r *rewriter) schedName() string {
	taken := r.cfg.Pkg.Scope().Lookup("sched") != nil
	for _, s := range r.f.Imports {
		path, _ := strconv.Unquote(s.Path.Value)
		pn := r.pkgName(s)
		if pn == nil {
			continue
		}
		if path == SchedPath && s.Name == nil || path == SchedPath && s.Name.Name != "." && s.Name.Name != "_" {
			r.imported = true
			return pn.Name()
		}
		if pn.Name() == "sched" {
			taken = true
		}
	}
	for id, obj := range r.cfg.Info.Defs {
		if obj != nil && id.Name == "sched" && id.Pos() >= r.f.Pos() && id.Pos() <= r.f.End() {
			taken = true
		}
	}
	if taken {
		return "interleavesched"
	}
	return "sched"
}

func (r *rewriter) pkgName(s *ast.ImportSpec) *types.PkgName {
	var obj types.Object
	if s.Name != nil {
		obj = r.cfg.Info.Defs[s.Name]
	} else {
		obj = r.cfg.Info.Implicits[s]
	}
	pn, _ := obj.(*types.PkgName)
	return pn
}

func (r *rewriter) visit(n ast.Node) bool {
	if r.skip[n] {
		return true
	}
	info := r.cfg.Info
	switch n := n.(type) {
	case *ast.ImportSpec:
		if n.Name != nil && n.Name.Name == "." {
			if path, _ := strconv.Unquote(n.Path.Value); path == "sync" || path == "sync/atomic" {
				r.note(n.Pos(), blocks, "dot import of "+path, "names used without a qualifier are not rewritten and run outside the scheduler")
			}
		}
		return false
	case *ast.SelectorExpr:
		if id, ok := n.X.(*ast.Ident); ok {
			if pn, ok := info.Uses[id].(*types.PkgName); ok {
				r.qualified(n, id, pn)
				return false
			}
		}
		r.selection(n)
	case *ast.Ident:
		r.foreignVar(n)
		if n.Name == "nil" {
			r.nilChan(n)
		}
	case *ast.GoStmt:
		r.goStmt(n)
	case *ast.ChanType:
		r.chanType(n)
	case *ast.SendStmt:
		r.send(n)
	case *ast.UnaryExpr:
		if n.Op == token.ARROW {
			r.recv(n, r.recv2[n])
		}
	case *ast.AssignStmt:
		r.markRecv2(len(n.Lhs), n.Rhs)
	case *ast.ValueSpec:
		r.markRecv2(len(n.Names), n.Values)
	case *ast.LabeledStmt:
		if s, ok := n.Stmt.(*ast.SelectStmt); ok {
			r.selectStmt(s, n)
			r.skip[s] = true
		}
	case *ast.SelectStmt:
		r.selectStmt(n, nil)
	case *ast.RangeStmt:
		if mayBeChan(info.TypeOf(n.X)) {
			r.rangeChan(n)
		}
	case *ast.CallExpr:
		r.call(n)
	}
	return true
}

// qualified handles pkg.Name.
func (r *rewriter) qualified(sel *ast.SelectorExpr, id *ast.Ident, pn *types.PkgName) {
	path, name := pn.Imported().Path(), sel.Sel.Name
	what := pn.Imported().Name() + "." + name
	act, ok := lookup(path, name)
	switch {
	case !ok:
		r.timeCall(sel, id, pn, path, name)
		r.foreignVar(sel.Sel)
	case act == keep:
	case act == swap && r.available(pn.Imported(), name):
		r.replace(id, r.alias)
		r.swapped[pn]++
		r.useSched = true
	case act == swap:
		r.note(sel.Pos(), blocksIf(path == "sync"), what, "sched has no mirror of it yet: it runs outside the scheduler")
	default:
		r.note(sel.Pos(), blocksIf(path == "sync"), what, "not known to the rewrite: it runs outside the scheduler")
	}
}

// timeNames are the functions of real time, and whether they block (or
// start a goroutine the scheduler does not manage, as AfterFunc does).
// Those sched has a twin of (see timeTwins) are swapped; the rest are
// noted.
var timeNames = map[string]map[string]level{
	"time": {"Sleep": blocks, "After": blocks, "AfterFunc": blocks, "NewTimer": blocks, "NewTicker": blocks, "Tick": blocks,
		"Now": outside, "Since": outside, "Until": outside},
	"context": {"WithTimeout": outside, "WithDeadline": outside, "WithTimeoutCause": outside, "WithDeadlineCause": outside},
}

// timeCall handles path.name where path is not sync or sync/atomic: a
// function or type of time with a twin on sched's virtual clock is
// swapped, one without is noted.
func (r *rewriter) timeCall(sel *ast.SelectorExpr, id *ast.Ident, pn *types.PkgName, path, name string) {
	if path == "time" && r.timeTwin(name) {
		r.replace(id, r.alias)
		r.swapped[pn]++
		r.useSched = true
		return
	}
	if path == "context" && r.contextTwin(pn.Imported(), name) {
		r.replace(id, r.alias)
		if twin := contextTwins[name]; twin != name {
			r.replace(sel.Sel, twin)
		}
		r.swapped[pn]++
		r.useSched = true
		return
	}
	if _, ok := timeNames[path][name]; ok {
		r.note(sel.Pos(), blocksIf(timeNames[path][name] == blocks), path+"."+name, "time is real, not virtual: the scheduler does not control it yet")
	}
}

// timeTwin reports whether sched has a twin of time.name that the
// rewrite may swap in: a function with the same signature up to the
// twins' types (a channel is a sched.Chan, a *time.Timer a *sched.Timer),
// or the type Timer or Ticker with a field C of type sched.Chan.
func (r *rewriter) timeTwin(name string) bool {
	if _, ok := timeTwins[name]; !ok {
		return false
	}
	return r.has("time."+name, func() bool { return TimeMirrors(r.cfg.Sched, name) })
}

// stdType returns the sync or sync/atomic type t is, or points to, and
// whether the rewrite swaps it.
func (r *rewriter) stdType(t types.Type) (*types.TypeName, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil, false
	}
	obj := n.Obj()
	act, ok := lookup(obj.Pkg().Path(), obj.Name())
	if !ok || act == keep {
		return nil, false
	}
	return obj, act == swap && r.available(obj.Pkg(), obj.Name())
}

// selection checks x.f where f is a field or method.
func (r *rewriter) selection(e *ast.SelectorExpr) {
	sel := r.cfg.Info.Selections[e]
	if sel == nil {
		return
	}
	obj := sel.Obj()
	switch obj := obj.(type) {
	case *types.Func:
		recv := obj.Type().(*types.Signature).Recv()
		if recv == nil {
			return
		}
		if isCtxDone(obj) && !r.called(e) && r.doneTwin() {
			r.note(e.Sel.Pos(), blocksFatal, "method value (context.Context).Done", "only a call ctx.Done() becomes sched.Done(ctx): "+crossWhy)
			return
		}
		std, swapped := r.stdType(recv.Type())
		if std == nil || !swapped {
			return
		}
		if f := r.foreignEmbedding(sel); f != nil {
			r.note(e.Sel.Pos(), blocksIf(std.Pkg().Path() == "sync"), std.Pkg().Name()+"."+std.Name()+"."+obj.Name(), "promoted from field %s of %s, a package that is not rewritten: it runs outside the scheduler", f.Name(), f.Pkg().Path())
			return
		}
		mirror := r.cfg.Sched.Scope().Lookup(std.Name()).Type()
		if args := typeArgs(recv.Type()); args != nil {
			if t, err := types.Instantiate(nil, mirror, args, false); err == nil {
				mirror = t
			}
		}
		m, _, _ := types.LookupFieldOrMethod(types.NewPointer(mirror), true, r.cfg.Sched, obj.Name())
		if fn, ok := m.(*types.Func); !ok || !sameSignature(fn.Type(), obj.Type()) {
			r.note(e.Sel.Pos(), fatal, std.Pkg().Name()+"."+std.Name()+"."+obj.Name(), "sched.%s has no method %s with this signature yet, so the rewritten file would not compile", std.Name(), obj.Name())
		}
	case *types.Var:
		if r.timerField(sel) {
			return // sched.Timer's and sched.Ticker's C is a sched.Chan
		}
		if obj.Pkg() != nil && !r.rewritten(obj.Pkg()) && r.holdsChan(obj.Type()) {
			r.note(e.Sel.Pos(), blocksFatal, "field "+obj.Name()+" of "+obj.Pkg().Path(), "holds a channel: "+crossWhy)
		}
		if obj.Pkg() != nil && !r.rewritten(obj.Pkg()) {
			if std := r.holds(obj.Type()); std != nil {
				r.note(e.Sel.Pos(), blocksIf(std.Pkg().Path() == "sync"), "field "+obj.Name()+" of "+obj.Pkg().Path(), "holds a %s.%s of a package that is not rewritten: its operations run outside the scheduler", std.Pkg().Name(), std.Name())
			}
		}
	}
}

// timerField reports whether sel is the field C of a time.Timer or
// time.Ticker that the rewrite swaps for its sched twin.
func (r *rewriter) timerField(sel *types.Selection) bool {
	if sel.Kind() != types.FieldVal || sel.Obj().Name() != "C" {
		return false
	}
	t := sel.Recv()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "time" || len(sel.Index()) != 1 {
		return false
	}
	return (n.Obj().Name() == "Timer" || n.Obj().Name() == "Ticker") && r.timeTwin(n.Obj().Name())
}

// foreignEmbedding returns the embedded field, declared in a package
// that is not rewritten, through which the method of sel is promoted, or
// nil.
func (r *rewriter) foreignEmbedding(sel *types.Selection) *types.Var {
	t := sel.Recv()
	idx := sel.Index()
	for _, i := range idx[:len(idx)-1] {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return nil
		}
		f := st.Field(i)
		if f.Pkg() != nil && !r.rewritten(f.Pkg()) {
			return f
		}
		t = f.Type()
	}
	return nil
}

// typeArgs returns the type arguments of the named type t is or points
// to, or nil.
func typeArgs(t types.Type) []types.Type {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.TypeArgs().Len() == 0 {
		return nil
	}
	var args []types.Type
	for i := range n.TypeArgs().Len() {
		args = append(args, n.TypeArgs().At(i))
	}
	return args
}

// foreignVar checks a use of a package-level variable of a package that
// is not rewritten.
func (r *rewriter) foreignVar(id *ast.Ident) {
	v, ok := r.cfg.Info.Uses[id].(*types.Var)
	if !ok || v.Pkg() == nil || v.IsField() || v.Parent() != v.Pkg().Scope() || r.rewritten(v.Pkg()) {
		return
	}
	if r.holdsChan(v.Type()) {
		r.note(id.Pos(), blocksFatal, v.Pkg().Name()+"."+v.Name(), "holds a channel: "+crossWhy)
	}
	if std := r.holds(v.Type()); std != nil {
		r.note(id.Pos(), blocksIf(std.Pkg().Path() == "sync"), v.Pkg().Name()+"."+v.Name(), "holds a %s.%s of a package that is not rewritten: its operations run outside the scheduler", std.Pkg().Name(), std.Name())
	}
}

func (r *rewriter) rewritten(p *types.Package) bool {
	return p == r.cfg.Pkg || r.cfg.Rewritten != nil && r.cfg.Rewritten(p.Path())
}

// holds returns the sync or sync/atomic type a value of type t holds
// directly (through pointers, arrays, slices, maps, channels, unnamed
// structs and types of rewritten packages), or nil.
func (r *rewriter) holds(t types.Type) *types.TypeName {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) *types.TypeName
	walk = func(t types.Type) *types.TypeName {
		if seen[t] {
			return nil
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			if std, _ := r.stdType(t); std != nil {
				return std
			}
			if t.Obj().Pkg() != nil && r.rewritten(t.Obj().Pkg()) {
				return walk(t.Underlying())
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			if s := walk(t.Key()); s != nil {
				return s
			}
			return walk(t.Elem())
		case *types.Struct:
			for i := range t.NumFields() {
				if s := walk(t.Field(i).Type()); s != nil {
					return s
				}
			}
		}
		return nil
	}
	return walk(t)
}

// call checks a call: close of a channel, and values of swapped types
// passed to or returned from functions of packages that are not
// rewritten.
func (r *rewriter) call(c *ast.CallExpr) {
	info := r.cfg.Info
	fun := unparen(c.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			r.builtin(c, b.Name())
		}
	}
	var obj types.Object
	switch f := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[f]
	case *ast.SelectorExpr:
		obj = info.Uses[f.Sel]
	case *ast.IndexExpr:
		obj = useOf(info, f.X)
	case *ast.IndexListExpr:
		obj = useOf(info, f.X)
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || r.rewritten(fn.Pkg()) {
		return
	}
	switch fn.Pkg().Path() {
	case "sync", "sync/atomic", SchedPath:
		return
	case harnessPath + "/stress", harnessPath + "/model", harnessPath + "/linearize":
		// interleave's test harness (stress.Compare(t, NewStopper, ...))
		// only calls the user's functions and methods, which are
		// rewritten; it never operates on their channels or locks.
		return
	case "time":
		if fn.Type().(*types.Signature).Recv() == nil && r.timeTwin(fn.Name()) {
			return // swapped for its twin, whose channel is a sched.Chan
		}
	case "context":
		if r.ctxDone(c) {
			return // sched.Done(ctx), a sched.Chan
		}
	}
	sig, ok := info.TypeOf(c.Fun).(*types.Signature)
	if !ok {
		return
	}
	if r.holdsChan(sig.Params()) || r.holdsChan(sig.Results()) {
		r.note(c.Pos(), blocksFatal, "call of "+fn.FullName(), "passes or returns a channel: "+crossWhy)
	}
	for i := range sig.Params().Len() {
		if std := r.holds(sig.Params().At(i).Type()); std != nil {
			if _, swapped := r.stdType(std.Type()); swapped {
				r.note(c.Pos(), fatal, "call of "+fn.FullName(), "passes a %s.%s to a package that is not rewritten: rewritten, the value is a sched.%s, which it does not take (rewrite that package too)", std.Pkg().Name(), std.Name(), std.Name())
				return
			}
		}
	}
	for i := range sig.Results().Len() {
		if std := r.holds(sig.Results().At(i).Type()); std != nil {
			r.note(c.Pos(), blocksIf(std.Pkg().Path() == "sync"), "call of "+fn.FullName(), "returns a %s.%s from a package that is not rewritten: its operations run outside the scheduler", std.Pkg().Name(), std.Name())
			return
		}
	}
}

func useOf(info *types.Info, e ast.Expr) types.Object {
	switch e := unparen(e).(type) {
	case *ast.Ident:
		return info.Uses[e]
	case *ast.SelectorExpr:
		return info.Uses[e.Sel]
	}
	return nil
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// fixImports adds sched's import if the file needs it and drops imports
// of sync and sync/atomic that are no longer used.
func (r *rewriter) fixImports() {
	if !r.useSched {
		return
	}
	if !r.imported {
		at := r.off(r.f.Name.End())
		name := ""
		if r.alias != "sched" {
			name = r.alias + " "
		}
		r.edits = append(r.edits, edit{at, at, func() string { return "; import " + name + strconv.Quote(SchedPath) }})
	}
	uses := map[*types.PkgName]int{}
	for _, obj := range r.cfg.Info.Uses {
		if pn, ok := obj.(*types.PkgName); ok && r.swapped[pn] > 0 {
			uses[pn]++
		}
	}
	for _, d := range r.f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		var drop []ast.Spec
		for _, s := range g.Specs {
			pn := r.pkgName(s.(*ast.ImportSpec))
			if pn != nil && r.swapped[pn] > 0 && r.swapped[pn] == uses[pn] {
				drop = append(drop, s)
			}
		}
		switch {
		case len(drop) == 0:
		case len(drop) == len(g.Specs) && !g.Lparen.IsValid():
			r.replace(g, "")
		default:
			for _, s := range drop {
				r.replace(s, "")
			}
		}
	}
}

// parents maps each node of f to the node that holds it.
func parents(f *ast.File) map[ast.Node]ast.Node {
	m := map[ast.Node]ast.Node{}
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			m[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	return m
}
