package instrument

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/interleave-go/interleave/internal/rewrite"
)

// version changes whenever the rewrite's output may change for the same
// input, so that older cache entries are not used.
const version = "interleave-rewrite-1"

// modulePath is interleave's own module.
const modulePath = "github.com/interleave-go/interleave"

// Config say what to instrument.
type Config struct {
	Dir        string   // where the go command runs; "" for the current directory
	Env        []string // the go command's environment; nil for os.Environ()
	BuildFlags []string // flags that change what is built: -tags, -mod, -modfile
	Patterns   []string // the packages under test, as go test takes them
	// Rewrite names more packages to instrument (import paths, "/..."
	// patterns allowed) besides the main modules' packages and those of
	// modules replaced by a local directory.
	Rewrite  []string
	CacheDir string // "" for the user cache directory
	// Partial instruments packages that may block where the scheduler
	// cannot see, instead of leaving them to stress mode: a controlled run
	// that reaches such an operation ends as a hang.
	Partial bool
}

// Result is a prepared instrumented build.
type Result struct {
	Overlay  string   // the -overlay file; "" if no file needed rewriting
	Files    int      // files rewritten
	Packages []string // packages instrumented, sorted
	// Stress lists the packages left uninstrumented, to stress mode,
	// because they (or packages they import or are imported by, among
	// those chosen) may block where the scheduler cannot see yet: the Notes
	// with Blocks say where.
	Stress []string
	Notes  []rewrite.Note // operations left outside the scheduler
	Cached bool           // the rewrite came from the cache
	// Modfile, if not "", is the -modfile the build must use with the
	// overlay: Config.Rewrite named packages of the module cache, which
	// the go command overlays in no build, and it replaces their modules
	// by copies.
	Modfile string
}

// FatalError lists what the rewrite could not do; the instrumented build
// would not compile or would be wrong.
type FatalError struct {
	Notes []rewrite.Note
}

// Error lists the notes, one a line.
func (e *FatalError) Error() string {
	var b strings.Builder
	b.WriteString("instrument: cannot rewrite:")
	for _, n := range e.Notes {
		b.WriteString("\n\t" + n.String())
	}
	return b.String()
}

// Prepare rewrites the packages to instrument among opts.Patterns and
// their dependencies, or finds them rewritten in the cache.
func Prepare(opts Config) (*Result, error) {
	cfg := &packages.Config{
		Mode:       packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Dir:        opts.Dir,
		Env:        opts.Env,
		BuildFlags: opts.BuildFlags,
		Tests:      true,
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	graph, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("instrument: listing the packages: %w", err)
	}
	if err := loadErrors(graph); err != nil {
		return nil, err
	}
	all := map[string]*packages.Package{} // by ID
	packages.Visit(graph, nil, func(p *packages.Package) { all[p.ID] = p })
	sched := false
	for _, p := range all {
		sched = sched || p.PkgPath == rewrite.SchedPath
	}
	if !sched {
		return nil, errors.New("instrument: the packages under test do not import " + modulePath + " (stress.Test, say): no test would run in controlled mode")
	}
	chosen := choose(all, opts.Rewrite)
	root := opts.CacheDir
	if root == "" {
		if root, err = os.UserCacheDir(); err != nil {
			return nil, fmt.Errorf("instrument: %w", err)
		}
		root = filepath.Join(root, "interleave", "instrument")
	}
	modfile := ""
	if mods := cachedModules(all, chosen); len(mods) > 0 {
		// Load again with the copies in place of the module cache's
		// files: those are the files to rewrite and to overlay.
		if modfile, err = localModfile(opts, root, mods); err != nil {
			return nil, err
		}
		opts.BuildFlags = withModfile(opts.BuildFlags, modfile)
		cfg.BuildFlags = opts.BuildFlags
		if graph, err = packages.Load(cfg, patterns...); err != nil {
			return nil, fmt.Errorf("instrument: listing the packages: %w", err)
		}
		if err := loadErrors(graph); err != nil {
			return nil, err
		}
		all = map[string]*packages.Package{}
		packages.Visit(graph, nil, func(p *packages.Package) { all[p.ID] = p })
		chosen = choose(all, opts.Rewrite)
	}
	key, files, err := cacheKey(all, chosen, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Packages: sortedKeys(chosen), Modfile: modfile}
	if len(files) == 0 {
		return res, nil
	}
	dir := filepath.Join(root, key)
	if data, err := os.ReadFile(filepath.Join(dir, "result.json")); err == nil {
		if err := json.Unmarshal(data, res); err == nil {
			res.Cached = true
			return res, nil
		}
	}
	if err := rewriteAll(cfg, all, chosen, opts.Partial, root, dir, res); err != nil {
		return nil, err
	}
	return res, nil
}

func loadErrors(pkgs []*packages.Package) error {
	var msgs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			msgs = append(msgs, e.Error())
		}
	})
	if len(msgs) > 0 {
		return fmt.Errorf("instrument: loading the packages: %s", strings.Join(msgs, "\n\t"))
	}
	return nil
}

// library is what interleave itself runs on: never rewritten, nor
// anything it imports (that would put the scheduler under itself).
var library = []string{"/sched", "/stress", "/model", "/linearize", "/internal/..."}

// choose returns the package paths to instrument: those of the main
// modules and of modules replaced by a local directory, and those extra
// names, but never the standard library nor interleave's library and
// what it imports.
func choose(all map[string]*packages.Package, extra []string) map[string]bool {
	protected := map[string]bool{}
	var protect func(p *packages.Package)
	protect = func(p *packages.Package) {
		if protected[p.ID] {
			return
		}
		protected[p.ID] = true
		for _, q := range p.Imports {
			protect(q)
		}
	}
	for _, p := range all {
		if isLibrary(p.PkgPath) {
			protect(p)
		}
	}
	chosen := map[string]bool{}
	for _, p := range all {
		if protected[p.ID] || p.Module == nil || strings.HasSuffix(p.ID, ".test") || isLibrary(strings.TrimSuffix(p.PkgPath, "_test")) {
			continue // the standard library has no module; p.test is the generated test main
		}
		m := p.Module
		local := m.Main || m.Replace != nil && m.Replace.Version == ""
		if local || slices.ContainsFunc(extra, func(pat string) bool { return match(pat, p.PkgPath) }) {
			chosen[p.PkgPath] = true
		}
	}
	return chosen
}

func isLibrary(path string) bool {
	if strings.Contains(path, "/testdata/") {
		return false
	}
	for _, l := range library {
		if match(modulePath+l, path) {
			return true
		}
	}
	return false
}

// match reports whether path matches pattern: equal, or under it for a
// pattern ending in "/...".
func match(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return path == pattern
}

// cacheKey hashes what the rewrite of the chosen packages depends on. It
// returns the files to rewrite.
func cacheKey(all map[string]*packages.Package, chosen map[string]bool, opts Config) (string, []string, error) {
	h := sha256.New()
	fmt.Fprintln(h, version)
	// The rewriter's own version: its binary, which changes with any change
	// to the rewrite (a version number would not, in a development build).
	exe, err := os.Executable()
	if err == nil {
		var data []byte
		if data, err = os.ReadFile(exe); err == nil {
			fmt.Fprintf(h, "%x\n", sha256.Sum256(data))
		}
	}
	if err != nil {
		return "", nil, fmt.Errorf("instrument: hashing the rewriter: %w", err)
	}
	goVersion, err := goEnv(opts, "GOVERSION")
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintln(h, goVersion, opts.BuildFlags, opts.Rewrite, opts.Partial)
	files := map[string]bool{}
	modules := map[string]bool{}
	var hashed []string // files whose contents go into the key
	for _, p := range all {
		switch {
		case chosen[p.PkgPath] && !strings.HasSuffix(p.ID, ".test"):
			for _, f := range p.GoFiles {
				files[f] = true
			}
		case p.PkgPath == rewrite.SchedPath:
			hashed = append(hashed, p.GoFiles...) // the mirrors the rewrite swaps to
		case p.Module != nil:
			m := p.Module
			if m.Replace != nil {
				m = m.Replace
			}
			modules[m.Path+"@"+m.Version+" "+m.Dir] = true
		}
	}
	list := sortedKeys(files)
	hashed = append(hashed, list...)
	sort.Strings(hashed)
	for _, f := range hashed {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", nil, fmt.Errorf("instrument: %w", err)
		}
		fmt.Fprintf(h, "%s %x\n", f, sha256.Sum256(data))
	}
	for _, m := range sortedKeys(modules) {
		fmt.Fprintln(h, m)
	}
	for _, p := range sortedKeys(chosen) {
		fmt.Fprintln(h, "rewrite", p)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], list, nil
}

func goEnv(opts Config, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir, cmd.Env = opts.Dir, opts.Env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("instrument: go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rewriteAll type-checks the chosen packages (with their tests), rewrites
// their files into a new directory and moves it to dir.
func rewriteAll(cfg *packages.Config, all map[string]*packages.Package, chosen map[string]bool, partial bool, root, dir string, res *Result) error {
	full := *cfg
	full.Mode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedModule
	full.Fset = token.NewFileSet()
	roots := map[string]bool{rewrite.SchedPath: true}
	for p := range chosen {
		roots[strings.TrimSuffix(p, "_test")] = true // an external test package comes with Tests
	}
	pkgs, err := packages.Load(&full, sortedKeys(roots)...)
	if err != nil {
		return fmt.Errorf("instrument: loading the packages to rewrite: %w", err)
	}
	if err := loadErrors(pkgs); err != nil {
		return err
	}
	var sched *packages.Package
	for _, p := range pkgs {
		if p.PkgPath == rewrite.SchedPath {
			sched = p
		}
	}
	// Test variants first: they hold the package's files and its tests.
	sort.SliceStable(pkgs, func(i, j int) bool {
		return strings.Contains(pkgs[i].ID, "[") && !strings.Contains(pkgs[j].ID, "[")
	})
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	tmp, err := os.MkdirTemp(root, "tmp-")
	if err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	defer os.RemoveAll(tmp)
	type file struct {
		pkg  string
		name string
		out  string // "" if unchanged
	}
	var files []file
	done := map[string]bool{}
	var notes []rewrite.Note
	noteOf := map[int]string{} // index in notes -> package
	for _, p := range pkgs {
		if !chosen[p.PkgPath] || strings.HasSuffix(p.ID, ".test") {
			continue
		}
		add := func(n rewrite.Note) {
			noteOf[len(notes)] = p.PkgPath
			notes = append(notes, n)
		}
		for _, name := range p.GoFiles {
			if !slices.Contains(p.CompiledGoFiles, name) && !done[name] && filepath.Ext(name) == ".go" {
				done[name] = true
				add(rewrite.Note{Pos: token.Position{Filename: name, Line: 1, Column: 1},
					What: "cgo file", Why: "the go command rewrites it for cgo itself: it is not instrumented"})
			}
		}
		rc := &rewrite.Config{Fset: full.Fset, Pkg: p.Types, Info: p.TypesInfo, Sched: sched.Types,
			Rewritten: func(path string) bool { return chosen[path] }}
		for i, f := range p.Syntax {
			name := p.CompiledGoFiles[i]
			if done[name] || !slices.Contains(p.GoFiles, name) {
				continue // seen, or generated by cgo
			}
			done[name] = true
			src, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("instrument: %w", err)
			}
			r := rewrite.File(rc, f, src, name)
			for _, n := range r.Notes {
				add(n)
			}
			fl := file{pkg: p.PkgPath, name: name}
			if r.Changed {
				sum := sha256.Sum256([]byte(name))
				fl.out = hex.EncodeToString(sum[:8]) + "-" + filepath.Base(name)
				if err := os.WriteFile(filepath.Join(tmp, fl.out), r.Src, 0o644); err != nil {
					return fmt.Errorf("instrument: %w", err)
				}
			}
			files = append(files, fl)
		}
	}
	// A package that may block where the scheduler cannot see is left to
	// stress mode, with every chosen package connected to it by imports:
	// instrumented code calling it, or called by it, would hang a
	// controlled run.
	comp := components(all, chosen)
	stress := map[string]bool{}
	for i, n := range notes {
		if n.Blocks && !partial {
			stress[comp[noteOf[i]]] = true
		}
	}
	var fatal []rewrite.Note
	for i, n := range notes {
		if n.Fatal && !stress[comp[noteOf[i]]] {
			fatal = append(fatal, n)
		}
	}
	res.Notes = notes
	if len(fatal) > 0 {
		return &FatalError{Notes: fatal}
	}
	res.Packages, res.Stress = nil, nil
	for _, p := range sortedKeys(chosen) {
		if stress[comp[p]] {
			res.Stress = append(res.Stress, p)
		} else {
			res.Packages = append(res.Packages, p)
		}
	}
	overlay := map[string]string{}
	for _, f := range files {
		if f.out != "" && !stress[comp[f.pkg]] {
			overlay[f.name] = filepath.Join(dir, f.out)
			res.Files++
		}
	}
	data, err := json.MarshalIndent(struct{ Replace map[string]string }{overlay}, "", "\t")
	if err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "overlay.json"), data, 0o644); err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	res.Overlay = filepath.Join(dir, "overlay.json")
	data, err = json.Marshal(res)
	if err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	// result.json last: its presence says the entry is complete.
	if err := os.WriteFile(filepath.Join(tmp, "result.json"), data, 0o644); err != nil {
		return fmt.Errorf("instrument: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil && !isExist(dir) {
		return fmt.Errorf("instrument: %w", err)
	}
	return nil
}

// components maps each chosen package path to a representative of the
// set of chosen packages connected to it by imports.
func components(all map[string]*packages.Package, chosen map[string]bool) map[string]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for p := range chosen {
		find(p)
	}
	for _, p := range all {
		if !chosen[p.PkgPath] {
			continue
		}
		for _, q := range p.Imports {
			if chosen[q.PkgPath] {
				parent[find(p.PkgPath)] = find(q.PkgPath)
			}
		}
	}
	comp := map[string]string{}
	for p := range chosen {
		comp[p] = find(p)
	}
	return comp
}

func isExist(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "result.json"))
	return err == nil
}
