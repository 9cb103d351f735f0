package specs

import (
	"testing"

	"github.com/interleave-go/interleave/internal/race"
)

// SkipUnderRace skips a controlled-mode test in a -race build. Controlled
// executions hand the processor from goroutine to goroutine over channels,
// so every step happens before the next and the race detector cannot see
// a race in them: under -race they only run slower. The test command runs
// them again without -race, with -run Controlled (see the README), so the
// name of every test that calls this must contain "Controlled".
func SkipUnderRace(t *testing.T) {
	t.Helper()
	if race.Enabled {
		t.Skip("controlled executions are serialized, so the race detector sees nothing in them; run without -race")
	}
}
