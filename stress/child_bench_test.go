package stress

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkChildStart measures what a child process costs before it
// runs anything: starting this test binary, which runs no test (under
// -race, without the race runtime's wait at exit, as children run).
func BenchmarkChildStart(b *testing.B) {
	for b.Loop() {
		cmd := osexec.Command(os.Args[0], "-test.run=^$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

// BenchmarkJournalWrite measures what a child pays per scenario: one
// record written to its journal.
func BenchmarkJournalWrite(b *testing.B) {
	j, err := openJournal(filepath.Join(b.TempDir(), "journal"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.f.Close()
	rec := journalRecord{Phase: "search", Mode: Stress, Bounds: bounds{3, 4, 2, 1}, Seed: 1 << 60, Index: 150, Total: 30000, Scenarios: 150}
	for b.Loop() {
		rec.Index++
		j.write(rec)
	}
}
