package instrument

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestPrepare instruments the lost-update package of cmd/interleave's
// testdata: only that package is rewritten (not interleave's library it
// imports), its overlay replaces the one file that uses sync/atomic, and
// a second Prepare takes everything from the cache.
func TestPrepare(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks packages with the go command: a second or two")
	}
	opts := Config{Dir: "../..", Patterns: []string{"./cmd/interleave/testdata/lostupdate"}, CacheDir: t.TempDir()}
	res, err := Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{modulePath + "/cmd/interleave/testdata/lostupdate"}
	if !reflect.DeepEqual(res.Packages, want) || res.Files != 1 || res.Cached {
		t.Fatalf("Prepare = packages %q, %d files, cached %v; want %q, 1 file, not cached", res.Packages, res.Files, res.Cached, want)
	}
	overlay := readOverlay(t, res.Overlay)
	for orig, repl := range overlay.Replace {
		if !strings.HasSuffix(orig, "lostupdate/counter.go") {
			t.Errorf("overlay replaces %s", orig)
		}
		src, err := os.ReadFile(repl)
		if err != nil || !regexp.MustCompile(`sched/\*line [^*]*counter\.go:9:10\*/\.Int64`).Match(src) {
			t.Errorf("rewritten %s: %v\n%s", repl, err, src)
		}
	}
	again, err := Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Overlay != res.Overlay {
		t.Errorf("second Prepare: cached %v, overlay %s; want cached, %s", again.Cached, again.Overlay, res.Overlay)
	}
}

func TestChooseMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"example.com/a/...", "example.com/a", true},
		{"example.com/a/...", "example.com/a/b", true},
		{"example.com/a/...", "example.com/ab", false},
		{"example.com/a", "example.com/a/b", false},
	} {
		if got := match(c.pattern, c.path); got != c.want {
			t.Errorf("match(%q, %q) = %v", c.pattern, c.path, got)
		}
	}
	for path, want := range map[string]bool{
		modulePath + "/sched":                          true,
		modulePath + "/internal/race":                  true,
		modulePath + "/subjects/counter":               false,
		modulePath + "/cmd/interleave/testdata/x":      false,
		modulePath + "/internal/instrument/testdata/x": false,
	} {
		if got := isLibrary(path); got != want {
			t.Errorf("isLibrary(%s) = %v", path, got)
		}
	}
}

// BenchmarkPrepareCached measures what interleave test spends before go
// test starts when nothing changed: listing the packages, hashing their
// files and the rewriter's binary, reading the cache entry.
func BenchmarkPrepareCached(b *testing.B) {
	opts := Config{Dir: "../..", Patterns: []string{"./cmd/interleave/testdata/lostupdate"}, CacheDir: b.TempDir()}
	if _, err := Prepare(opts); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := Prepare(opts)
		if err != nil || !res.Cached {
			b.Fatalf("Prepare: %v, cached %v", err, res != nil && res.Cached)
		}
	}
}

// TestChoose checks which packages are instrumented: the main module's
// and those of modules replaced by a local directory, and those named,
// never the standard library, interleave's library or what it imports.
func TestChoose(t *testing.T) {
	main := &packages.Module{Path: "example.com/me", Main: true}
	local := &packages.Module{Path: "example.com/fork", Version: "v1.0.0", Replace: &packages.Module{Path: "../fork"}}
	remote := &packages.Module{Path: "example.com/dep", Version: "v1.2.0"}
	pinned := &packages.Module{Path: "example.com/pinned", Version: "v1.0.0", Replace: &packages.Module{Path: "example.com/pinned", Version: "v1.0.1"}}
	ilv := &packages.Module{Path: modulePath, Version: "v0.1.0"}
	pkg := func(id, path string, m *packages.Module, imports ...*packages.Package) *packages.Package {
		p := &packages.Package{ID: id, PkgPath: path, Module: m, Imports: map[string]*packages.Package{}}
		for _, q := range imports {
			p.Imports[q.PkgPath] = q
		}
		return p
	}
	sync := pkg("sync", "sync", nil)
	rapid := pkg("pgregory.net/rapid", "pgregory.net/rapid", &packages.Module{Path: "pgregory.net/rapid", Version: "v1.3.0"}, sync)
	sched := pkg(modulePath+"/sched", modulePath+"/sched", ilv, sync)
	stress := pkg(modulePath+"/stress", modulePath+"/stress", ilv, sched, rapid)
	fork := pkg("example.com/fork/q", "example.com/fork/q", local, sync)
	dep := pkg("example.com/dep/r", "example.com/dep/r", remote)
	dep2 := pkg("example.com/dep/r/s", "example.com/dep/r/s", remote)
	pin := pkg("example.com/pinned/u", "example.com/pinned/u", pinned)
	subject := pkg(modulePath+"/subjects/counter", modulePath+"/subjects/counter", ilv, sched)
	me := pkg("example.com/me/p", "example.com/me/p", main, fork, dep, dep2, pin, subject)
	meTest := pkg("example.com/me/p [example.com/me/p.test]", "example.com/me/p", main, fork, dep, stress)
	xTest := pkg("example.com/me/p_test [example.com/me/p.test]", "example.com/me/p_test", main, meTest, stress)
	testMain := pkg("example.com/me/p.test", "example.com/me/p.test", main, xTest)
	all := map[string]*packages.Package{}
	for _, p := range []*packages.Package{sync, rapid, sched, stress, fork, dep, dep2, pin, subject, me, meTest, xTest, testMain} {
		all[p.ID] = p
	}
	// rapid and sched are named but protected: interleave runs on them.
	got := sortedKeys(choose(all, []string{"example.com/dep/r", modulePath + "/subjects/...", "pgregory.net/rapid", modulePath + "/sched"}))
	want := []string{"example.com/dep/r", "example.com/fork/q", "example.com/me/p", "example.com/me/p_test", modulePath + "/subjects/counter"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("choose = %q, want %q", got, want)
	}
}

// TestPrepareModuleCache: a package of the module cache named by Rewrite
// (x/time/rate, which the limiter subject uses) is instrumented in a copy
// of its module that the returned -modfile points to, since the go
// command overlays no file of the module cache.
func TestPrepareModuleCache(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks packages with the go command: a few seconds")
	}
	cache := t.TempDir()
	res, err := Prepare(Config{Dir: "../..", Patterns: []string{"./subjects/limiter"}, Rewrite: []string{"golang.org/x/time/rate"}, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Packages, "golang.org/x/time/rate") || res.Modfile == "" {
		t.Fatalf("Prepare = packages %q, modfile %q; want x/time/rate instrumented with a modfile", res.Packages, res.Modfile)
	}
	mod, err := os.ReadFile(res.Modfile)
	if err != nil {
		t.Fatal(err)
	}
	copyDir := filepath.Join(cache, "mod")
	if !strings.Contains(string(mod), "replace golang.org/x/time => "+copyDir) {
		t.Errorf("the modfile does not replace x/time by its copy under %s:\n%s", copyDir, mod)
	}
	overlay := readOverlay(t, res.Overlay)
	rate := false
	for orig := range overlay.Replace {
		rate = rate || strings.HasPrefix(orig, copyDir) && strings.HasSuffix(orig, filepath.Join("rate", "rate.go"))
	}
	if !rate {
		t.Errorf("the overlay rewrites no rate.go of the copy: %v", overlay.Replace)
	}
	if got := WithoutModfile([]string{"-modfile", "a.mod", "-run", "X", "-modfile=b.mod", "./..."}); !slices.Equal(got, []string{"-run", "X", "./..."}) {
		t.Errorf("WithoutModfile = %q", got)
	}
}

// readOverlay reads an -overlay file.
func readOverlay(t *testing.T, path string) (overlay struct{ Replace map[string]string }) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &overlay); err != nil {
		t.Fatal(err)
	}
	return overlay
}
