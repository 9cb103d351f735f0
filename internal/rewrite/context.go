package rewrite

import (
	"go/ast"
	"go/types"
)

// Contexts. The functions of package context that make a cancelable
// context, AfterFunc and Cause have twins in sched (see contextTwins),
// whose contexts are canceled under the scheduler and on its virtual
// clock; a call of the Done method of context.Context, also promoted
// through embedding, becomes sched.Done(ctx), a sched.Chan closed when
// the context is done, so that <-ctx.Done(), a select case on it and
// done := ctx.Done() are operations of sched.Chan.
//
//	context.WithCancel(ctx)    sched.WithCancel(ctx)
//	context.AfterFunc(ctx, f)  sched.ContextAfterFunc(ctx, f)
//	ctx.Done()                 sched.Done(ctx)

// contextTwin reports whether sched has the twin of context.name (ctx
// is package context) with its signature.
func (r *rewriter) contextTwin(ctx *types.Package, name string) bool {
	if _, ok := contextTwins[name]; !ok {
		return false
	}
	return r.has("context."+name, func() bool { return ContextMirrors(r.cfg.Sched, ctx, name) })
}

// ContextMirrors reports whether package sched has the twin of
// context.name of contextTwins (ctx is package context) with the same
// signature.
func ContextMirrors(sched, ctx *types.Package, name string) bool {
	twin, ok := contextTwins[name]
	if !ok || sched == nil || ctx == nil {
		return false
	}
	a, _ := ctx.Scope().Lookup(name).(*types.Func)
	b, _ := sched.Scope().Lookup(twin).(*types.Func)
	return a != nil && b != nil && sameSignature(a.Type(), b.Type())
}

// doneTwin reports whether sched has Done, which ctx.Done() becomes.
func (r *rewriter) doneTwin() bool {
	return r.has("context.Context.Done", func() bool { return DoneMirror(r.cfg.Sched) })
}

// DoneMirror reports whether package sched has Done with the signature
// doneTwin gives.
func DoneMirror(sched *types.Package) bool {
	if sched == nil {
		return false
	}
	fn, ok := sched.Scope().Lookup("Done").(*types.Func)
	return ok && types.TypeString(fn.Type(), func(p *types.Package) string { return p.Name() }) == doneTwin
}

// isCtxDone reports whether fn is the Done method of context.Context.
func isCtxDone(fn *types.Func) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != "context" || fn.Name() != "Done" {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	_, iface := recv.Type().Underlying().(*types.Interface)
	return iface
}

// ctxDone rewrites c if it is a call x.Done() of the Done method of
// context.Context into sched.Done(x), and reports whether it did.
func (r *rewriter) ctxDone(c *ast.CallExpr) bool {
	sel, ok := unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := r.cfg.Info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return false
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok || !isCtxDone(fn) || !r.doneTwin() || !r.chansOK(c.Pos(), "ctx.Done()") {
		return false
	}
	// x must be a context.Context: a type that embeds one but shadows
	// another of its methods is not.
	if x := r.cfg.Info.TypeOf(sel.X); x == nil || !types.AssignableTo(x, fn.Type().(*types.Signature).Recv().Type()) {
		return false
	}
	r.useSched = true
	r.edits = append(r.edits, edit{r.off(c.Pos()), r.off(c.End()), func() string {
		return r.alias + "." + r.dirAt(r.off(sel.Sel.Pos())) + "Done(" + r.renderNode(sel.X) + ")"
	}})
	return true
}

// called reports whether e is the function of a call: a method value
// that is not is a channel of its own.
func (r *rewriter) called(e *ast.SelectorExpr) bool {
	var n ast.Node = e
	for {
		p := r.parent[n]
		if pe, ok := p.(*ast.ParenExpr); ok {
			n = pe
			continue
		}
		c, ok := p.(*ast.CallExpr)
		return ok && c.Fun == n
	}
}
