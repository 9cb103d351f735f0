package stress

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/interleave-go/interleave/sched"
)

// varNames names the instrumented variables of events after the
// expression the source applies each operation to ("s.head", "ch",
// "wg"), so that a table says "CAS s.head p1→p2" rather than "CAS v1
// p1→p2". The source line of each event is parsed (go/parser) and its
// operations found by shape: a method call (s.head.Load(), wg.Wait()), a
// function of sync/atomic on an address (atomic.AddInt64(&n, 1)), a send
// (ch <- v), a receive (<-ch, a select case, for range ch), close, len or
// cap. A line with two operations of a kind names them in the order they
// ran. A name two variables share (n.next of two nodes) gets the
// variable's number; a variable whose source cannot be read or matched
// keeps "v1".
func varNames(events []sched.Event) map[int]string {
	names := map[int]string{}
	files := map[string]map[int][]operand{}
	type at struct {
		file string
		line int
		tag  string
	}
	last := map[int]at{}   // by thread: its previous event's place and tag
	index := map[int]int{} // by thread: how many events in a row there
	for _, e := range events {
		tags := eventTags(e)
		if len(tags) == 0 || e.Var == 0 {
			continue
		}
		file, line, ok := e.Source()
		if !ok {
			continue
		}
		here := at{file, line, tags[0]}
		if last[e.Thread] == here {
			index[e.Thread]++
		} else {
			index[e.Thread] = 0
		}
		last[e.Thread] = here
		if _, named := names[e.Var]; named {
			continue
		}
		ops, ok := files[file]
		if !ok {
			ops = operands(file)
			files[file] = ops
		}
		i := index[e.Thread]
		for _, op := range ops[line] {
			if !slices.Contains(tags, op.tag) {
				continue
			}
			if i == 0 {
				if op.name != "" { // "": ambiguous, a select's
					names[e.Var] = op.name
				}
				break
			}
			i--
		}
	}
	count := map[string]int{}
	for _, n := range names {
		count[n]++
	}
	for v, n := range names {
		if count[n] > 1 {
			names[v] = fmt.Sprintf("%s#%d", n, v)
		}
	}
	return names
}

// eventTags returns the operations (method names, or Send, Recv, Close,
// Len for channels) that may have performed e, the first one standing for
// all of them; nil if e touches no variable a source could name.
func eventTags(e sched.Event) []string {
	switch e.Kind {
	case sched.KindLoad:
		return []string{"Load"}
	case sched.KindStore:
		return []string{"Store"}
	case sched.KindAdd:
		return []string{"Add"}
	case sched.KindSwap:
		return []string{"Swap"}
	case sched.KindCAS:
		return []string{"CompareAndSwap"}
	case sched.KindAnd:
		return []string{"And"}
	case sched.KindOr:
		return []string{"Or"}
	case sched.KindLock:
		return []string{"Lock", "TryLock"}
	case sched.KindBlock:
		switch e.Text {
		case "", "try", "TryRLock":
			return []string{"Lock", "TryLock", "RLock", "TryRLock"}
		}
		return opTags(e.Text) // "Send", "Recv", "Wait"
	case sched.KindUnlock:
		return []string{"Unlock"}
	case sched.KindRLock:
		return []string{"RLock", "TryRLock"}
	case sched.KindRUnlock:
		return []string{"RUnlock"}
	case sched.KindOp:
		return opTags(e.Text)
	}
	return nil
}

// opTags returns the tags of an operation named text: "Timer.Stop" is
// the Stop method of a timer; a text with a space ("select default")
// names no method.
func opTags(text string) []string {
	op, _, _ := strings.Cut(text, ": ") // "Close: panics, ..."
	op = op[strings.LastIndex(op, ".")+1:]
	if op == "" || strings.ContainsAny(op, " ()") {
		return nil
	}
	if op == "Len" {
		return []string{"Len", "Cap"}
	}
	return []string{op}
}

// operand is an operation found in the source, and the expression it
// applies to.
type operand struct {
	tag  string // as eventTags returns them
	name string
}

// atomicPrefixes are the operations of sync/atomic's functions, longest
// first so that CompareAndSwap is not taken for Swap.
var atomicPrefixes = []string{"CompareAndSwap", "Load", "Store", "Swap", "Add", "And", "Or"}

// chanMethods are sched.Chan's methods whose events say another name.
var chanMethods = map[string]string{"Recv2": "Recv", "RecvCase": "Recv", "SendCase": "Send", "Range": "Recv"}

// operands parses file and returns its operations by line, each line's in
// source order; nil if the file cannot be read or parsed.
func operands(file string) map[int][]operand {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	ops := map[int][]operand{}
	add := func(pos token.Pos, tag string, x ast.Expr) {
		line := fset.Position(pos).Line
		ops[line] = append(ops[line], operand{tag, types.ExprString(x)})
	}
	var comm func(s ast.Stmt, pos token.Pos)
	comm = func(s ast.Stmt, pos token.Pos) {
		switch s := s.(type) {
		case *ast.SendStmt:
			add(pos, "Send", s.Chan)
		case *ast.ExprStmt:
			if u, ok := ast.Unparen(s.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				add(pos, "Recv", u.X)
			}
		case *ast.AssignStmt:
			if len(s.Rhs) == 1 {
				comm(&ast.ExprStmt{X: s.Rhs[0]}, pos)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fun := ast.Unparen(n.Fun).(type) {
			case *ast.SelectorExpr:
				name := fun.Sel.Name
				for _, p := range atomicPrefixes {
					if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && len(n.Args) > 0 {
						if u, ok := ast.Unparen(n.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
							add(fun.Sel.Pos(), p, u.X)
							return true
						}
					}
				}
				if alias, ok := chanMethods[name]; ok {
					name = alias
				}
				add(fun.Sel.Pos(), name, fun.X)
			case *ast.Ident:
				if len(n.Args) == 1 {
					switch fun.Name {
					case "close", "len", "cap":
						add(fun.Pos(), strings.ToUpper(fun.Name[:1])+fun.Name[1:], n.Args[0])
					}
				}
			}
		case *ast.SendStmt:
			add(n.Arrow, "Send", n.Chan)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(n.OpPos, "Recv", n.X)
			}
		case *ast.RangeStmt:
			add(n.For, "Recv", n.X)
			if fset.Position(n.X.Pos()).Line != fset.Position(n.For).Line {
				add(n.X.Pos(), "Recv", n.X)
			}
		case *ast.SelectStmt:
			// The select runs (and its events are recorded) where the
			// statement starts; the cases may be on lines of their own.
			// Which case ran is not in the event: two cases of a kind
			// (two receives) name nothing, rather than the wrong one.
			line := fset.Position(n.Select).Line
			before := len(ops[line])
			for _, c := range n.Body.List {
				if cc, ok := c.(*ast.CommClause); ok && cc.Comm != nil {
					comm(cc.Comm, n.Select)
				}
			}
			cases := ops[line][before:]
			for i := range cases {
				for j := range cases {
					if i != j && cases[i].tag == cases[j].tag {
						cases[i].name = ""
					}
				}
			}
		}
		return true
	})
	return ops
}
