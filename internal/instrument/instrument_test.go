package instrument

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestPrepare instruments the lost-update package of cmd/interleave's
// testdata: only that package is rewritten (not interleave's library it
// imports), its overlay replaces the one file that uses sync/atomic, and
// a second Prepare takes everything from the cache.
func TestPrepare(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks packages with the go command: a second or two")
	}
	opts := Options{Dir: "../..", Patterns: []string{"./cmd/interleave/testdata/lostupdate"}, CacheDir: t.TempDir()}
	res, err := Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{modulePath + "/cmd/interleave/testdata/lostupdate"}
	if !reflect.DeepEqual(res.Packages, want) || res.Files != 1 || res.Cached {
		t.Fatalf("Prepare = packages %q, %d files, cached %v; want %q, 1 file, not cached", res.Packages, res.Files, res.Cached, want)
	}
	data, err := os.ReadFile(res.Overlay)
	if err != nil {
		t.Fatal(err)
	}
	var overlay struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &overlay); err != nil {
		t.Fatal(err)
	}
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
	opts := Options{Dir: "../..", Patterns: []string{"./cmd/interleave/testdata/lostupdate"}, CacheDir: b.TempDir()}
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
