package stress

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayVersion: a replay file says its format, and a file of
// another format is refused with a message that says what to do.
func TestReplayVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.replay")
	rf := replayFile{Test: "TestX", Mode: "controlled", Bounds: bounds{Threads: 2, Ops: 3}, Draws: []uint64{1, 2}}
	if err := writeReplay(path, rf); err != nil {
		t.Fatal(err)
	}
	got, err := readReplay(path)
	if err != nil || got.Version != replayVersion || got.Test != "TestX" || len(got.Draws) != 2 {
		t.Fatalf("read back %+v, %v", got, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(data), fmt.Sprintf(`"version": %d,`, replayVersion), `"version": 0,`, 1)
	if old == string(data) {
		t.Fatalf("the file does not carry its version:\n%s", data)
	}
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readReplay(path); err == nil || !strings.Contains(err.Error(), "run the test again") {
		t.Fatalf("a file of format 0 read with error %v, want one saying to run the test again", err)
	}
}
