package rewrite

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// goStmt rewrites go f(a, b) into
//
//	{ f_, a_, b_ := f, a, b; sched.Go(func() { f_(a_, b_) }) }
//
// so that the function value and the arguments are evaluated where the
// go statement evaluated them, in the calling goroutine. What has no
// effect to evaluate (a declared function, a constant, nil) is written in
// the closure as is; a function literal called without arguments is
// passed to sched.Go itself, so stack traces show it unchanged.
func (r *rewriter) goStmt(g *ast.GoStmt) {
	r.useSched = true
	call := g.Call
	info := r.cfg.Info
	if lit, ok := unparen(call.Fun).(*ast.FuncLit); ok && len(call.Args) == 0 {
		if sig := info.TypeOf(lit).(*types.Signature); sig.Params().Len() == 0 && sig.Results().Len() == 0 {
			r.edits = append(r.edits, edit{r.off(g.Pos()), r.off(g.End()), func() string {
				return r.alias + ".Go(" + r.renderNode(lit) + ")"
			}})
			return
		}
	}
	for _, a := range call.Args {
		if untypedOrigin(info, a) {
			tv := info.Types[a]
			if !types.Identical(tv.Type, types.Typ[types.Bool]) && !types.Identical(tv.Type, types.Typ[types.Int]) {
				r.note(a.Pos(), fatal, "go statement", "this argument takes its type %s from the parameter, and cannot be evaluated before the call without naming that type; convert it explicitly", tv.Type)
				return
			}
		}
	}
	r.edits = append(r.edits, edit{r.off(g.Pos()), r.off(g.End()), func() string {
		var names, values, args []string
		temp := func(e ast.Expr, n int) []string {
			var out []string
			for range n {
				name := fmt.Sprintf("ilv_%d", len(names))
				names = append(names, name)
				out = append(out, name)
			}
			values = append(values, r.renderNode(e))
			return out
		}
		fun := r.renderNode(call.Fun)
		if !static(info, call.Fun) {
			fun = temp(call.Fun, 1)[0]
		}
		if tuple, ok := info.TypeOf(firstArg(call)).(*types.Tuple); ok && len(call.Args) == 1 {
			args = temp(call.Args[0], tuple.Len())
		} else {
			for _, a := range call.Args {
				if tv := info.Types[a]; tv.Value != nil || tv.IsNil() {
					args = append(args, r.renderNode(a))
					continue
				}
				args = append(args, temp(a, 1)[0])
			}
		}
		dots := ""
		if call.Ellipsis.IsValid() {
			dots = "..."
		}
		var b strings.Builder
		b.WriteString("{ ")
		if len(names) > 0 {
			b.WriteString(strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; ")
		}
		b.WriteString(r.dirAt(r.off(g.Pos())) + r.alias + ".Go(func() { " + fun + "(" + strings.Join(args, ", ") + dots + ") }) }")
		return b.String()
	}})
}

func firstArg(c *ast.CallExpr) ast.Expr {
	if len(c.Args) == 0 {
		return nil
	}
	return c.Args[0]
}

// static reports whether evaluating the function value fun has no effect
// and gives the same function later: a declared function (generic,
// instantiated or not, or qualified), a method expression, a builtin, a
// function literal.
func static(info *types.Info, fun ast.Expr) bool {
	switch f := unparen(fun).(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		switch obj := info.Uses[f].(type) {
		case *types.Builtin:
			return true
		case *types.Func:
			return obj.Type().(*types.Signature).Recv() == nil
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[f]; sel != nil {
			return sel.Kind() == types.MethodExpr
		}
		_, ok := info.Uses[f.Sel].(*types.Func)
		return ok
	case *ast.IndexExpr:
		return static(info, f.X)
	case *ast.IndexListExpr:
		return static(info, f.X)
	}
	return false
}

// untypedOrigin reports whether e is a non-constant expression whose
// type, untyped at first, comes from where it is used (a comparison, a
// shift of a constant): evaluated into a variable of its own it would get
// its default type instead.
func untypedOrigin(info *types.Info, e ast.Expr) bool {
	if info.Types[e].Value != nil {
		return false
	}
	switch e := unparen(e).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return true
		case token.LAND, token.LOR:
			return untypedOrigin(info, e.X) && untypedOrigin(info, e.Y)
		case token.SHL, token.SHR:
			_, lit := unparen(e.X).(*ast.BasicLit)
			if c, ok := useOf(info, e.X).(*types.Const); ok {
				b, ok := c.Type().(*types.Basic)
				return ok && b.Info()&types.IsUntyped != 0
			}
			return lit
		}
	case *ast.UnaryExpr:
		return e.Op == token.NOT && untypedOrigin(info, e.X)
	}
	return false
}
