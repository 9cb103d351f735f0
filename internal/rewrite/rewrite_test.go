package rewrite

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// std holds the packages the snippets may import, type-checked once;
// stub is testdata/schedstub, type-checked as sched.
var std map[string]*types.Package
var stub *types.Package

func TestMain(m *testing.M) {
	flag.Parse()
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes},
		"sync", "sync/atomic", "time", "context", "fmt", SchedPath)
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		fmt.Fprintln(os.Stderr, "loading the packages snippets import:", err)
		os.Exit(2)
	}
	std = map[string]*types.Package{}
	for _, p := range pkgs {
		std[p.PkgPath] = p.Types
	}
	src, err := os.ReadFile("testdata/schedstub/sched.go")
	if err == nil {
		_, stub, _, err = check(token.NewFileSet(), SchedPath, "sched.go", src, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "the sched stub:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// check parses and type-checks one file of package path.
func check(fset *token.FileSet, path, name string, src []byte, extra map[string]*types.Package) (*ast.File, *types.Package, *types.Info, error) {
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, nil, err
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Implicits: map[ast.Node]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	conf := types.Config{Importer: importerFunc(func(p string) (*types.Package, error) {
		if t, ok := extra[p]; ok {
			return t, nil
		}
		if t, ok := std[p]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("snippet imports %s, which the test does not load", p)
	})}
	pkg, err := conf.Check(path, fset, []*ast.File{f}, info)
	return f, pkg, info, err
}

// TestGolden rewrites the in.go section of each testdata/*.txtar (with
// other.go, if any, as package example.com/other, which is not rewritten)
// against the sched stub and compares the rewritten file and the notes
// with the out.go and notes sections. Rewritten files without fatal notes
// must type-check.
func TestGolden(t *testing.T) { golden(t, true) }

// TestGoldenRealSched rewrites the same files against the real sched,
// which mirrors more as it grows: the rewritten files without fatal
// notes must type-check.
func TestGoldenRealSched(t *testing.T) { golden(t, false) }

func golden(t *testing.T, compare bool) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			fset := token.NewFileSet()
			extra := map[string]*types.Package{}
			if compare {
				extra[SchedPath] = stub
			}
			if src, ok := sections["other.go"]; ok {
				_, other, _, err := check(fset, "example.com/other", "/src/other/other.go", src, nil)
				if err != nil {
					t.Fatalf("other.go: %v", err)
				}
				extra["example.com/other"] = other
			}
			const name = "/src/p/in.go"
			f, pkg, info, err := check(fset, "example.com/p", name, sections["in.go"], extra)
			if err != nil {
				t.Fatalf("in.go: %v", err)
			}
			sched := std[SchedPath]
			if compare {
				sched = stub
			}
			res := File(&Config{Fset: fset, Pkg: pkg, Info: info, Sched: sched}, f, sections["in.go"], name)
			var notes bytes.Buffer
			fatal := false
			for _, n := range res.Notes {
				switch {
				case n.Fatal && n.Blocks:
					fmt.Fprintln(&notes, n, "[blocks, fatal]")
				case n.Fatal:
					fmt.Fprintln(&notes, n, "[fatal]")
				case n.Blocks:
					fmt.Fprintln(&notes, n, "[blocks]")
				default:
					fmt.Fprintln(&notes, n)
				}
				fatal = fatal || n.Fatal
			}
			out := res.Src
			if !res.Changed {
				out = []byte("unchanged\n")
			} else if !fatal {
				if _, _, _, err := check(token.NewFileSet(), "example.com/p", name, res.Src, extra); err != nil {
					t.Errorf("the rewritten file does not type-check: %v\n%s", err, res.Src)
				}
			}
			if !compare {
				return
			}
			if *update {
				for i, f := range ar.Files {
					switch f.Name {
					case "out.go":
						ar.Files[i].Data = out
					case "notes":
						ar.Files[i].Data = notes.Bytes()
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got, want := string(out), string(sections["out.go"]); got != want {
				t.Errorf("rewritten file:\n%s\nwant:\n%s", got, want)
			}
			if got, want := notes.String(), string(sections["notes"]); got != want {
				t.Errorf("notes:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestPositions checks that, through the line directives, every
// identifier of each original file keeps its line and column in the
// rewritten one, except the qualifiers that were swapped and the imports
// that were dropped.
func TestPositions(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var in, out []byte
		for _, f := range ar.Files {
			switch f.Name {
			case "in.go":
				in = f.Data
			case "out.go":
				out = f.Data
			}
		}
		if string(out) == "unchanged\n" {
			continue
		}
		idents := func(src []byte) map[string]bool {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "/src/p/in.go", src, parser.ParseComments)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			set := map[string]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					p := fset.Position(id.Pos())
					set[fmt.Sprintf("%s@%s:%d:%d", id.Name, p.Filename, p.Line, p.Column)] = true
				}
				return true
			})
			return set
		}
		got := idents(out)
		for id := range idents(in) {
			name := id[:strings.Index(id, "@")]
			switch name {
			case "sync", "atomic", "at", // swapped qualifiers, dropped imports
				"make", "close", "len", "cap", "nil", // builtins of channels, made methods of sched.Chan
				"_": // case _, _ = <-ch: nothing to assign
				continue
			}
			if name == "time" && got["sched"+id[len("time"):]] {
				continue // a qualifier swapped for a twin on the virtual clock
			}
			if name == "context" && got["sched"+id[len("context"):]] {
				continue // a qualifier swapped for a twin of context
			}
			if name == "AfterFunc" && got["Context"+id] {
				continue // context.AfterFunc's twin, sched.ContextAfterFunc
			}
			if !got[id] {
				t.Errorf("%s: identifier %s lost its position", file, id)
			}
		}
	}
}

// TestTable checks the table against the standard library (every listed
// name exists; every exported name is listed, so a new one gets a
// decision) and against sched: what it mirrors today is swapped.
func TestTable(t *testing.T) {
	for path, names := range table {
		scope := std[path].Scope()
		for name := range names {
			if scope.Lookup(name) == nil {
				t.Errorf("table lists %s.%s, which does not exist", path, name)
			}
		}
		for _, name := range scope.Names() {
			if token.IsExported(name) && names[name] == 0 {
				t.Errorf("table does not say what to do with %s.%s", path, name)
			}
		}
	}
	for _, n := range []struct{ path, name string }{
		{"sync/atomic", "Int64"}, {"sync/atomic", "Uint64"}, {"sync/atomic", "Pointer"}, {"sync", "Mutex"},
	} {
		if !Mirrors(std[SchedPath], std[n.path], n.name) {
			t.Errorf("sched does not mirror %s.%s", n.path, n.name)
		}
	}
	for name := range timeTwins {
		if std["time"].Scope().Lookup(name) == nil {
			t.Errorf("timeTwins lists time.%s, which does not exist", name)
		}
		if !TimeMirrors(std[SchedPath], name) {
			t.Errorf("sched has no twin of time.%s with the signature timeTwins gives", name)
		}
	}
	if TimeMirrors(std[SchedPath], "Duration") {
		t.Error("TimeMirrors swaps time.Duration")
	}
	if Mirrors(std[SchedPath], std["sync/atomic"], "Int64") == Mirrors(nil, std["sync/atomic"], "Int64") {
		t.Error("Mirrors does not depend on sched")
	}
}

// TestContextOldSched: against a sched without the twins of context
// (the stub cut before them), the functions of context stay, ctx.Done()
// is noted as a channel that crosses, and a time twin's context is noted
// as real time, as before the twins.
func TestContextOldSched(t *testing.T) {
	src, err := os.ReadFile("testdata/schedstub/sched.go")
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(src, []byte("// The twins of context"))
	if cut < 0 {
		t.Fatal("the stub has no section of context twins")
	}
	src = append(src[:cut:cut], "var _ context.Context\n"...) // keeps the import used
	_, old, _, err := check(token.NewFileSet(), SchedPath, "sched.go", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !DoneMirror(std[SchedPath]) || !DoneMirror(stub) || DoneMirror(old) {
		t.Errorf("DoneMirror: real sched %v, stub %v, old stub %v; want true, true, false", DoneMirror(std[SchedPath]), DoneMirror(stub), DoneMirror(old))
	}
	for name := range contextTwins {
		if !ContextMirrors(std[SchedPath], std["context"], name) {
			t.Errorf("sched has no twin of context.%s with its signature", name)
		}
		if ContextMirrors(old, std["context"], name) {
			t.Errorf("the old stub has the twin of context.%s", name)
		}
		if !ContextMirrors(stub, std["context"], name) {
			t.Errorf("the stub lacks the twin of context.%s", name)
		}
	}
	in := []byte(`package p

import (
	"context"
	"time"
)

func f(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
	}
	return context.Cause(ctx)
}
`)
	fset := token.NewFileSet()
	extra := map[string]*types.Package{SchedPath: old}
	f, pkg, info, err := check(fset, "example.com/p", "/src/p/in.go", in, extra)
	if err != nil {
		t.Fatal(err)
	}
	res := File(&Config{Fset: fset, Pkg: pkg, Info: info, Sched: old}, f, in, "/src/p/in.go")
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.String())
	}
	want := []string{
		"/src/p/in.go:9:17: context.WithTimeout: time is real, not virtual: the scheduler does not control it yet",
		"/src/p/in.go:12:9: call of (context.Context).Done: passes or returns a channel: " + crossWhy,
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	if bytes.Contains(res.Src, []byte("sched.Done")) || bytes.Contains(res.Src, []byte("sched.Cause")) {
		t.Errorf("rewritten onto twins the old sched lacks:\n%s", res.Src)
	}
}
