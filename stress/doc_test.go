package stress

import (
	"os"
	"strings"
	"testing"
)

// TestDocListsKinds checks that the package doc lists every failure kind
// under its Go name and the name reports print.
func TestDocListsKinds(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[Kind]string{Violation: "Violation", Undecided: "Undecided", Property: "Property", Panic: "Panic",
		Deadlock: "Deadlock", Hang: "Hang", Leak: "Leak", StepLimit: "StepLimit", DataRace: "DataRace", TestFailed: "TestFailed"}
	for k := Kind(1); int(k) < len(kindNames); k++ {
		want := "//   - [" + names[k] + `], "` + k.String() + `": `
		if names[k] == "" || !strings.Contains(string(doc), want) {
			t.Errorf("doc.go does not list kind %d as %q", k, want)
		}
	}
}
