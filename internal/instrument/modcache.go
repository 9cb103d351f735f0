package instrument

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// The go command refuses an -overlay for files in the module cache, so a
// package named by Config.Rewrite whose module comes from there is
// instrumented in a copy of its module: a go.mod of the build's own (a
// -modfile, beside the cache) replaces the module by the copy, which is
// then a module replaced by a local directory like any other.

// cachedModules returns the modules of the chosen packages that come from
// the module cache, by path, with their versions and directories.
func cachedModules(all map[string]*packages.Package, chosen map[string]bool) map[string]*packages.Module {
	mods := map[string]*packages.Module{}
	for _, p := range all {
		m := p.Module
		if !chosen[p.PkgPath] || m == nil || m.Main || m.Replace != nil && m.Replace.Version == "" {
			continue
		}
		if m.Replace != nil {
			// Replaced by another module version: its files are the
			// replacement's, in the module cache too.
			m = &packages.Module{Path: p.Module.Path, Version: m.Replace.Path + "@" + m.Replace.Version, Dir: m.Replace.Dir}
		}
		if m.Dir != "" {
			mods[m.Path] = m
		}
	}
	return mods
}

// localModfile writes, under root, a go.mod that is the build's with each
// of mods replaced by a copy of it under root, and the go.sum beside it,
// and returns the go.mod's path.
func localModfile(opts Config, root string, mods map[string]*packages.Module) (string, error) {
	if work, err := goEnv(opts, "GOWORK"); err != nil {
		return "", err
	} else if work != "" && work != "off" {
		return "", errors.New("instrument: a package of the module cache named by -interleave.rewrite needs a copy of its module, and the go command takes no -modfile in workspace mode: add the copy to go.work (use, or replace) yourself")
	}
	gomod := modfileFlag(opts.BuildFlags)
	if gomod == "" {
		var err error
		if gomod, err = goEnv(opts, "GOMOD"); err != nil {
			return "", err
		}
		if gomod == "" || gomod == os.DevNull {
			return "", errors.New("instrument: a package of the module cache named by -interleave.rewrite needs a main module (a go.mod) to replace it in")
		}
	} else if !filepath.IsAbs(gomod) {
		gomod = filepath.Join(opts.Dir, gomod)
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", fmt.Errorf("instrument: %w", err)
	}
	sum, err := os.ReadFile(strings.TrimSuffix(gomod, ".mod") + ".sum")
	if err != nil && !os.IsNotExist(err) {
		return "", fmt.Errorf("instrument: %w", err)
	}
	mf := string(data)
	for _, path := range slices.Sorted(maps.Keys(mods)) {
		m := mods[path]
		dir := filepath.Join(root, "mod", path+"@"+m.Version)
		if err := copyTree(m.Dir, dir); err != nil {
			return "", fmt.Errorf("instrument: copying module %s: %w", path, err)
		}
		mf += fmt.Sprintf("\nreplace %s => %s\n", path, dir)
	}
	// One go.mod for each main module and content: runs of different
	// modules, or of one module as it changes, do not overwrite each
	// other's.
	h := sha256.Sum256([]byte(gomod + "\x00" + mf))
	out := filepath.Join(root, "modfile", hex.EncodeToString(h[:])[:16], "go.mod")
	if err := writeIfChanged(out, []byte(mf)); err != nil {
		return "", err
	}
	return out, writeIfChanged(strings.TrimSuffix(out, ".mod")+".sum", sum)
}

// modfileFlag returns the -modfile among build flags, or "".
func modfileFlag(flags []string) string {
	for i, f := range flags {
		f = strings.TrimPrefix(f, "-")
		if v, ok := strings.CutPrefix(f, "-modfile="); ok {
			return v
		}
		if v, ok := strings.CutPrefix(f, "modfile="); ok {
			return v
		}
		if (f == "modfile" || f == "-modfile") && i+1 < len(flags) {
			return flags[i+1]
		}
	}
	return ""
}

// withModfile returns flags with -modfile set to path, in place of one
// given.
func withModfile(flags []string, path string) []string {
	return append(WithoutModfile(flags), "-modfile="+path)
}

// WithoutModfile returns the go command's arguments args without a
// -modfile flag, for a command that is to take Result.Modfile instead.
func WithoutModfile(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(args[i], "-")
		if strings.HasPrefix(name, "modfile=") {
			continue
		}
		if name == "modfile" && strings.HasPrefix(args[i], "-") {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// copyTree copies the files under src to dst, once: a complete copy is
// marked by a file written last. The copies are writable, unlike the
// module cache's files.
func copyTree(src, dst string) error {
	done := filepath.Join(dst, ".interleave-copied")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// writeIfChanged writes data to path unless it holds it already, so that
// the cache, keyed by file contents, stays valid.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
