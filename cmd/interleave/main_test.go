package main

import (
	"bytes"
	"encoding/json"
	"github.com/interleave-go/interleave/internal/job"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/subjects/specs"
)

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "fast"}, `-mode "fast": want stress, controlled or both`},
		{[]string{"-subjects", "queue"}, `unknown subject "queue"`},
		{[]string{"-variants", "Nope"}, `unknown variant "Nope"`},
		{[]string{"-shard", "4/4"}, `-shard "4/4": want i/n`},
		{[]string{"-expect", "fail"}, `-expect "fail"`},
		{[]string{"-checks", "-1"}, "must not be negative"},
		{[]string{"-total", "1m", "-duration", "1s"}, "exclude each other"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "usage: interleave") {
			t.Errorf("%v: stderr does not say %q and show the usage:\n%s", tc.args, tc.want, stderr.String())
		}
	}
}

func TestList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-list"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := 0
	for _, e := range specs.Catalog() {
		want++ // stress
		if e.Controlled {
			want++
		}
	}
	if len(lines) != want {
		t.Fatalf("%d lines, want one per variant and mode (%d):\n%s", len(lines), want, stdout.String())
	}
}

// TestRun runs the real thing on one mutant: with the catalog's
// expectations it is caught and the run succeeds; told to expect a pass,
// the same run fails.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the job binary")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"-variants", "LostUpdate", "-mode", "controlled", "-out", out}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0:\n%s\n%s", code, stdout.String(), stderr.String())
	}
	table := stdout.String()
	for _, want := range []string{"SUBJECT", "counter", "LostUpdate", "controlled", "linearizability violation", "2 threads, 2 ops, 1 switch"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if !strings.Contains(stderr.String(), "[ 1/1] counter") {
		t.Errorf("no progress line:\n%s", stderr.String())
	}
	for _, name := range []string{"index.html", "summary.json", "counter-LostUpdate-controlled.html", "counter-LostUpdate-controlled-visualization.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("report file missing: %v", err)
		}
	}
	var summary struct {
		OK      bool
		Results []job.Result
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &summary); err != nil || !summary.OK || len(summary.Results) != 1 || summary.Results[0].Command == "" {
		t.Fatalf("summary.json: %v %s", err, data)
	}
	if c := summary.Results[0].Coverage; c == nil || c.Executions < 1 || c.Interleavings < 1 || c.Strategy == "" {
		t.Errorf("summary.json does not say what the controlled search covered: %+v", c)
	}
	if index, err := os.ReadFile(filepath.Join(out, "index.html")); err != nil || !strings.Contains(string(index), "distinct interleavings in") {
		t.Errorf("index.html does not say what the controlled search covered (%v)", err)
	}

	stdout.Reset()
	stderr.Reset()
	if code := run(append(args, "-expect", "pass", "-json"), &stdout, &stderr); code != 1 {
		t.Fatalf("expecting a pass from a mutant: exit %d, want 1:\n%s", code, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &summary); err != nil || summary.OK {
		t.Fatalf("-json output: %v, ok=%v:\n%s", err, summary.OK, stdout.String())
	}
}

// TestSubMillisecondTimes: a failure found in under a millisecond shows
// its time, not 0s.
func TestSubMillisecondTimes(t *testing.T) {
	row := cells(job.Result{Verdict: "panic", FirstExecutions: 1, FirstSeconds: 0.000347})
	if got := row[7]; got != "347µs" {
		t.Fatalf("time to failure %q, want 347µs", got)
	}
}
