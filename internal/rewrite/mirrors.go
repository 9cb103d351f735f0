package rewrite

import (
	"fmt"
	"go/types"
	"strings"
)

// Whether package sched has a twin of a standard library name, with the
// same signature: the rewrite swaps only what has one.

// TimeMirrors reports whether package sched has a twin of time.name of
// timeTwins.
func TimeMirrors(sched *types.Package, name string) bool {
	want, ok := timeTwins[name]
	if !ok || sched == nil {
		return false
	}
	obj := sched.Scope().Lookup(name)
	if obj == nil || !obj.Exported() {
		return false
	}
	q := func(p *types.Package) string { return p.Name() }
	switch obj := obj.(type) {
	case *types.Func:
		return types.TypeString(obj.Type(), q) == want
	case *types.TypeName:
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok {
			return false
		}
		for i := range st.NumFields() {
			if f := st.Field(i); f.Name() == "C" {
				return types.TypeString(f.Type(), q) == want
			}
		}
	}
	return false
}

// available reports whether sched has name with the signature the
// standard library's path.name has.
func (r *rewriter) available(std *types.Package, name string) bool {
	return r.has(std.Path()+"."+name, func() bool { return Mirrors(r.cfg.Sched, std, name) })
}

// has returns what mirrors says of key, asking it once per file.
func (r *rewriter) has(key string, mirrors func() bool) bool {
	if ok, seen := r.avail[key]; seen {
		return ok
	}
	ok := mirrors()
	r.avail[key] = ok
	return ok
}

// Mirrors reports whether package sched has a name that mirrors std's:
// a type with the same type parameters, or a function with the same
// signature up to the package of sync's and sched's own types.
func Mirrors(sched, std *types.Package, name string) bool {
	if sched == nil {
		return false
	}
	a, b := std.Scope().Lookup(name), sched.Scope().Lookup(name)
	if a == nil || b == nil || !b.Exported() {
		return false
	}
	switch a := a.(type) {
	case *types.TypeName:
		b, ok := b.(*types.TypeName)
		if !ok {
			return false
		}
		na, _ := a.Type().(*types.Named)
		nb, _ := b.Type().(*types.Named)
		return na != nil && nb != nil && na.TypeParams().Len() == nb.TypeParams().Len()
	case *types.Func:
		b, ok := b.(*types.Func)
		return ok && sameSignature(a.Type(), b.Type())
	}
	return false
}

// sameSignature compares two function types, taking sync's, sync/atomic's
// and sched's types of the same name as the same.
func sameSignature(a, b types.Type) bool {
	q := func(p *types.Package) string {
		switch p.Path() {
		case "sync", "sync/atomic", SchedPath:
			return ""
		}
		return p.Path()
	}
	tuple := func(t *types.Tuple) string {
		var b strings.Builder
		for i := range t.Len() {
			b.WriteString(types.TypeString(t.At(i).Type(), q) + ";")
		}
		return b.String()
	}
	strip := func(t types.Type) string {
		s := t.(*types.Signature)
		return fmt.Sprintf("(%s)(%s)%v", tuple(s.Params()), tuple(s.Results()), s.Variadic())
	}
	sa, sb := a.(*types.Signature), b.(*types.Signature)
	if sa.TypeParams().Len() != sb.TypeParams().Len() {
		return false
	}
	return strip(a) == strip(b)
}
