package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/interleave-go/interleave/internal/instrument"
)

const testUsage = `usage: interleave test [go test flags] [packages]

Runs go test on an instrumented build of the packages: sync/atomic and
sync operations, channels, select and go statements of the main module
(and of modules replaced by a local directory) go through package sched,
so stress.Test runs them in controlled mode. Every flag but the ones below is passed to
go test as given; give test binary flags as -flag=value.

  -interleave.rewrite=pattern,...  instrument these packages too
                                   (env INTERLEAVE_REWRITE)
  -interleave.cache=dir            where rewritten files are kept
                                   (env INTERLEAVE_CACHE; default: the
                                   user cache directory)
  -interleave.partial              instrument packages that may block
                                   where the scheduler cannot see (listed
                                   [blocks]) instead of leaving them to
                                   stress mode; a controlled run that
                                   reaches such an operation is a hang
`

// goTestValueFlags are the flags of go test and go build that take a
// value as the next argument when written without "=".
var goTestValueFlags = map[string]bool{
	"run": true, "skip": true, "bench": true, "benchtime": true, "count": true, "cpu": true, "parallel": true,
	"timeout": true, "list": true, "shuffle": true, "fuzz": true, "fuzztime": true, "fuzzminimizetime": true,
	"coverprofile": true, "covermode": true, "coverpkg": true, "cpuprofile": true, "memprofile": true,
	"memprofilerate": true, "blockprofile": true, "blockprofilerate": true, "mutexprofile": true,
	"mutexprofilefraction": true, "outputdir": true, "trace": true, "o": true, "exec": true, "vet": true,
	"tags": true, "mod": true, "modfile": true, "gcflags": true, "ldflags": true, "asmflags": true,
	"gccgoflags": true, "buildmode": true, "compiler": true, "pkgdir": true, "toolexec": true, "p": true,
	"C": true, "installsuffix": true, "overlay": true, "pgo": true, "json": false,
}

// loadFlags are the go test flags that change which files are built, so
// the rewrite must see them too.
var loadFlags = map[string]bool{"tags": true, "mod": true, "modfile": true, "race": true, "msan": true, "asan": true}

// testArgs is the command line of interleave test, sorted out.
type testArgs struct {
	goTest   []string // for go test, untouched, without our flags
	patterns []string
	build    []string // flags for loading the packages
	dir      string   // -C
	rewrite  []string
	cache    string
	partial  bool
}

func boolFlag(value string, has bool) (bool, error) {
	if !has {
		return true, nil
	}
	return strconv.ParseBool(value)
}

func parseTestArgs(args []string) (a testArgs, err error) {
	a = testArgs{cache: os.Getenv("INTERLEAVE_CACHE")}
	if env := os.Getenv("INTERLEAVE_REWRITE"); env != "" {
		a.rewrite = strings.Split(env, ",")
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "-args" || arg == "--args" {
			a.goTest = append(a.goTest, args[i:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			a.patterns = append(a.patterns, arg)
			a.goTest = append(a.goTest, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch name {
		case "interleave.partial":
			if a.partial, err = boolFlag(value, hasValue); err != nil {
				return a, fmt.Errorf("-interleave.partial: %w", err)
			}
			continue
		case "interleave.rewrite", "interleave.cache":
			if !hasValue {
				return a, fmt.Errorf("-%s takes a value: -%s=...", name, name)
			}
			if name == "interleave.cache" {
				a.cache = value
			} else {
				a.rewrite = append(a.rewrite, strings.Split(value, ",")...)
			}
			continue
		case "overlay":
			return a, errors.New("-overlay is what interleave test passes to go test; it cannot take yours")
		}
		a.goTest = append(a.goTest, arg)
		if !hasValue && goTestValueFlags[strings.TrimPrefix(name, "test.")] && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
			a.goTest = append(a.goTest, args[i])
			if loadFlags[name] {
				a.build = append(a.build, arg, value)
			}
		} else if loadFlags[name] {
			a.build = append(a.build, arg)
		}
		if name == "C" {
			a.dir = value
		}
	}
	return a, nil
}

// runTest is `interleave test`: it prepares the instrumented build and
// runs go test on it, and returns go test's exit code.
func runTest(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, testUsage)
		return 0
	}
	a, err := parseTestArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n%s", err, testUsage)
		return 2
	}
	start := time.Now()
	res, err := instrument.Prepare(instrument.Config{Dir: a.dir, BuildFlags: a.build, Patterns: a.patterns, Rewrite: a.rewrite, CacheDir: a.cache, Partial: a.partial})
	if err != nil {
		fmt.Fprintln(stderr, "interleave test:", err)
		return 2
	}
	printNotes(stderr, res, a.dir)
	how := "rewritten"
	if res.Cached {
		how = "from the cache"
	}
	fmt.Fprintf(stderr, "interleave test: %d files of %d packages instrumented (%s) in %v\n",
		res.Files, len(res.Packages), how, time.Since(start).Round(time.Millisecond))
	goArgs := []string{"test"}
	rest := a.goTest
	if len(rest) > 0 && (rest[0] == "-C" || strings.HasPrefix(rest[0], "-C=")) {
		n := 1
		if rest[0] == "-C" {
			n = 2
		}
		goArgs, rest = append(goArgs, rest[:n]...), rest[n:]
	}
	if res.Overlay != "" {
		goArgs = append(goArgs, "-overlay="+res.Overlay)
	}
	if res.Modfile != "" {
		// Packages of the module cache are instrumented in copies that
		// this go.mod (the module's own, plus replace lines) points to.
		goArgs = append(goArgs, "-modfile="+res.Modfile)
		rest = instrument.WithoutModfile(rest)
	}
	cmd := exec.Command("go", append(goArgs, rest...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = append(os.Environ(), replayEnv+"="+a.replayCommand())
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(stderr, "interleave test:", err)
		return 2
	}
	return 0
}

// replayEnv tells package stress how to begin the replay commands it
// prints, so that a replay runs the instrumented build again.
const replayEnv = "INTERLEAVE_TEST_COMMAND"

// replayCommand is the command that runs go test the way this one does,
// from any directory of a module that requires interleave.
func (a testArgs) replayCommand() string {
	cmd := "go run github.com/interleave-go/interleave/cmd/interleave test"
	if len(a.rewrite) > 0 {
		cmd += " -interleave.rewrite=" + strings.Join(a.rewrite, ",")
	}
	if a.partial {
		cmd += " -interleave.partial"
	}
	return cmd
}

// printNotes lists the operations left outside the scheduler, with paths
// relative to dir when shorter.
func printNotes(w io.Writer, res *instrument.Result, dir string) {
	if len(res.Notes) == 0 {
		return
	}
	base, _ := filepath.Abs(dir)
	fmt.Fprintf(w, "interleave test: %d operations are not instrumented and run outside the scheduler:\n", len(res.Notes))
	for _, n := range res.Notes {
		if rel, err := filepath.Rel(base, n.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
			n.Pos.Filename = rel
		}
		mark := ""
		if n.Blocks {
			mark = " [blocks]"
		}
		fmt.Fprintf(w, "\t%v%s\n", n, mark)
	}
	if len(res.Stress) > 0 {
		fmt.Fprintf(w, "interleave test: not instrumented, left to stress mode, since they may block where the scheduler cannot see yet ([blocks] above): %s\n", strings.Join(res.Stress, ", "))
	}
}
