package stress

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

// wantDefaults is every -stress.* flag with the default -h must show: ""
// for a flag whose usage states its default in words.
var wantDefaults = map[string]string{
	"mode": "auto", "strategy": "window-pct", "depth": "3", "checks": "",
	"duration": "0s", "maxthreads": "3", "maxops": "4", "maxinit": "2", "maxpost": "1",
	"runs": "200", "seed": "0", "artifacts": defaults().artifacts,
	"hangtimeout": "5s", "checktime": "10s", "maxsteps": "100000", "shrinktime": "30s", "replay": "", "subprocess": "true", "reexec": "true", "v": "false",
}

// TestFlagDefaults checks that every knob is a typed flag of the command
// line whose help shows its default, and that the package doc lists each
// default.
func TestFlagDefaults(t *testing.T) {
	var help strings.Builder
	flag.CommandLine.SetOutput(&help)
	flag.CommandLine.PrintDefaults()
	flag.CommandLine.SetOutput(nil)
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		name, ok := strings.CutPrefix(f.Name, "stress.")
		if !ok {
			return
		}
		seen++
		want, ok := wantDefaults[name]
		if !ok {
			t.Errorf("-%s: unexpected flag", f.Name)
			return
		}
		if f.DefValue != want {
			t.Errorf("-%s: default %q, want %q", f.Name, f.DefValue, want)
		}
		typ, usage := flag.UnquoteUsage(f)
		isBool := name == "v" || name == "subprocess" || name == "reexec"
		if !isBool && (typ == "" || typ == "value" || typ == "string" && name != "artifacts" && name != "replay") {
			t.Errorf("-%s shows as %q in -h, want a typed flag", f.Name, typ)
		}
		if !strings.Contains(f.Usage, envName(name)) {
			t.Errorf("-%s: usage %q does not name %s", f.Name, f.Usage, envName(name))
		}
		switch name {
		case "checks":
			if !strings.Contains(help.String(), "default 200 in stress mode, 5000 in controlled mode") {
				t.Errorf("-h does not say the default of -stress.checks:\n%s", help.String())
			}
		case "seed", "duration", "replay", "v":
			// Zero: -h shows no default, and the usage says what it means.
		default:
			def := "(default " + want + ")"
			if name == "artifacts" {
				def = `(default "` + want + `")`
			}
			shown := "-" + f.Name + " " + typ
			if isBool {
				shown = "-" + f.Name
			}
			if !strings.Contains(help.String(), shown+"\n    \t"+usage+" "+def) {
				t.Errorf("-h does not show -%s %s with %s:\n%s", f.Name, typ, def, help.String())
			}
		}
		inDoc := "-" + f.Name + "=" + want + " (" + envName(name)
		if name == "checks" || name == "artifacts" || name == "replay" {
			inDoc = "-" + f.Name + " (" + envName(name)
		}
		if !strings.Contains(string(doc), inDoc) {
			t.Errorf("doc.go does not list %q", inDoc)
		}
	})
	if seen != len(knobs) || seen != len(wantDefaults) {
		t.Errorf("%d -stress.* flags, %d knobs, %d expected defaults", seen, len(knobs), len(wantDefaults))
	}
	if bf, ok := flag.Lookup("stress.v").Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
		t.Error("-stress.v is not a boolean flag: it needs =true")
	}
}

// TestResolve checks the order in which knobs apply: defaults, options in
// code, the environment, then flags set on the command line; and that
// -stress.v needs no value.
func TestResolve(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	line := defaults()
	bind(fs, &line)
	if err := fs.Parse([]string{"-stress.v", "-stress.maxthreads", "2", "-stress.mode=controlled", "-stress.hangtimeout=3s", "-stress.seed=0x10"}); err != nil {
		t.Fatal(err)
	}
	if args := fs.Args(); len(args) != 0 {
		t.Fatalf("-stress.v took a value: left %q", args)
	}
	t.Setenv("STRESS_MAXTHREADS", "9") // loses to the flag
	t.Setenv("STRESS_MAXOPS", "6")     // beats the option
	t.Setenv("STRESS_STRATEGY", "random")
	c, err := resolveFrom(fs, true, []Option{WithMaxThreads(5), WithMaxOps(7), WithMode(Stress), WithDepth(5), WithRuns(20)})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.verbose, c.threads, c.ops, c.mode, c.strategy, c.hangTimeout, c.seed, c.depth, c.runs, c.post, c.checks}
	want := []any{true, 2, 6, Controlled, RandomWalk, 3 * time.Second, uint64(16), 5, 20, 1, -1}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("verbose, threads, ops, mode, strategy, timeout, seed, depth, runs, post, checks = %v, want %v", got, want)
			break
		}
	}
	// Flags not parsed yet count as not set.
	if c, err := resolveFrom(fs, false, []Option{WithMaxThreads(5)}); err != nil || c.threads != 9 || c.verbose {
		t.Errorf("unparsed flags: threads %d, verbose %v, err %v; want the environment's 9, false", c.threads, c.verbose, err)
	}
	t.Setenv("STRESS_DEPTH", "deep")
	if _, err := resolveFrom(fs, true, nil); err == nil || !strings.HasPrefix(err.Error(), `stress: STRESS_DEPTH="deep": `) {
		t.Errorf("bad environment value: err %v", err)
	}
	t.Setenv("STRESS_DEPTH", "3")
	t.Setenv("STRESS_MODE", "fast")
	if _, err := resolveFrom(fs, true, nil); err != nil {
		t.Errorf("STRESS_MODE under a set -stress.mode: %v", err)
	}
	if err := fs.Set("stress.mode", "fast"); err == nil || !strings.Contains(err.Error(), "want one of auto, stress, controlled") {
		t.Errorf("-stress.mode=fast: err %v", err)
	}
}
