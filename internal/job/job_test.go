package job_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/internal/job"
	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestJob runs the job cmd/interleave hands it in INTERLEAVE_JOB, one
// subtest per entry and mode, printing each result as a line of JSON. On
// its own it only runs to replay a failure it reported
// (-stress.replay=...); otherwise it is skipped, the subjects' own tests
// covering the same ground.
func TestJob(t *testing.T) {
	jb, ok, err := job.Read()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		if f := flag.Lookup("stress.replay"); (f == nil || f.Value.String() == "") && os.Getenv("STRESS_REPLAY") == "" {
			t.Skip("run by cmd/interleave")
		}
		// Replaying: every entry and mode is there to be selected by -run.
		jb = job.Job{Mode: "both"}
	}
	modes := []string{jb.Mode}
	if jb.Mode == "both" {
		modes = []string{"controlled", "stress"}
	}
	for _, e := range specs.Catalog() {
		if len(jb.Entries) > 0 && !slices.Contains(jb.Entries, e.Name()) {
			continue
		}
		for _, m := range modes {
			mode, err := job.ParseMode(m)
			if err != nil {
				t.Fatal(err)
			}
			if mode == stress.Controlled && !e.Controlled {
				continue
			}
			t.Run(e.Name()+"/"+m, func(t *testing.T) {
				res := job.Run(t, e, mode, jb)
				if !ok {
					// Replaying for a person: a failure fails the test
					// with its report, as stress.Test would.
					if strings.HasPrefix(res.Verdict, "error") {
						t.Fatal(res.Verdict)
					}
					if res.Verdict != "pass" {
						t.Fatalf("%s: %s (expected: %s)\n%s", e.Name(), res.Verdict, res.Expected, res.Report)
					}
					return
				}
				line, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Println(job.ResultPrefix + string(line))
			})
		}
	}
}
