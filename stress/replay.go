package stress

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/interleave-go/interleave/internal/schedhook"
	"github.com/interleave-go/interleave/sched"
)

// replayFile is what a replay file holds: the test it belongs to, how the
// search ran, and rapid's draws for the failing case, which together
// determine the scenario and, in controlled mode, the schedule.
type replayFile struct {
	// Version is the file's format, replayVersion when written; a file of
	// another format is refused, never half read.
	Version  int    `json:"version"`
	Test     string `json:"test"`
	Mode     string `json:"mode"`
	Strategy string `json:"strategy"`
	Depth    int    `json:"depth"`
	Runs     int    `json:"runs"`
	Bounds   bounds `json:"bounds"`
	Kind     string `json:"kind"`
	// Picks, if not null, is the controlled schedule to replay in place
	// of the one the draws encode; an empty list is a schedule with no
	// context switch, and must be written as one.
	Picks []int `json:"picks"`
	// Keep, if present, selects the operations of the drawn scenario that
	// minimization kept.
	Keep *selection `json:"keep,omitempty"`
	// Seed is the search's seed: stress mode perturbs real interleavings
	// from it, and a Probe failure's scenario is made from it.
	Seed  uint64   `json:"seed,omitempty"`
	Probe bool     `json:"probe,omitempty"`
	Draws []uint64 `json:"-"`
	// Hex holds the draws, in hex, separated by spaces.
	Hex string `json:"draws"`
}

// replayVersion is the format of the replay files this package writes.
// Raise it whenever a field changes meaning or a new one matters.
const replayVersion = 3

func writeReplay(path string, rf replayFile) error {
	rf.Version = replayVersion
	hex := make([]string, len(rf.Draws))
	for i, d := range rf.Draws {
		hex[i] = "0x" + strconv.FormatUint(d, 16)
	}
	rf.Hex = strings.Join(hex, " ")
	data, err := json.MarshalIndent(rf, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func readReplay(path string) (replayFile, error) {
	var rf replayFile
	data, err := os.ReadFile(path)
	if err != nil {
		return rf, fmt.Errorf("stress: replay: %w", err)
	}
	if err := json.Unmarshal(data, &rf); err != nil {
		return rf, fmt.Errorf("stress: replay file %s: %w", path, err)
	}
	if rf.Version != replayVersion {
		return rf, fmt.Errorf("stress: replay file %s is of format %d, and this version of interleave reads format %d: run the test again to get a new one", path, rf.Version, replayVersion)
	}
	for _, h := range strings.Fields(rf.Hex) {
		d, err := strconv.ParseUint(h, 0, 64)
		if err != nil {
			return rf, fmt.Errorf("stress: replay file %s: draw %q: %w", path, h, err)
		}
		rf.Draws = append(rf.Draws, d)
	}
	if rf.Test == "" || !rf.Probe && (rf.Bounds.Threads < 1 || rf.Bounds.Ops < 1) {
		return rf, fmt.Errorf("stress: replay file %s is incomplete", path)
	}
	return rf, nil
}

// replayFrom runs the failing case of a replay file once (in stress mode,
// up to its number of runs) and reports what it shows.
func (r *runner[T, I, O]) replayFrom(path string) (*Failure, error) {
	rf, err := readReplay(path)
	if err != nil {
		return nil, err
	}
	if rf.Test != r.t.Name() {
		r.t.Skipf("stress: replay file %s is for %s, not this test", path, rf.Test)
	}
	mode, err := parseEnum[Mode](rf.Mode, modeNames)
	if err != nil || mode == Auto {
		return nil, fmt.Errorf("stress: replay file %s: bad mode %q", path, rf.Mode)
	}
	if r.cfg.strategy, err = parseEnum[Strategy](rf.Strategy, strategyNames); err != nil {
		return nil, fmt.Errorf("stress: replay file %s: bad strategy %q", path, rf.Strategy)
	}
	r.cfg.depth, r.cfg.runs = max(rf.Depth, 1), max(rf.Runs, r.cfg.runs, 1)
	if rf.Seed != 0 {
		r.cfg.seed = rf.Seed
	}
	if rf.Probe {
		return r.replayProbe(rf, path)
	}
	if mode == Stress {
		stop := schedhook.Perturb(r.cfg.seed, 100)
		defer stop()
	}
	parent := r.t
	defer func() { r.t = parent }()
	ran := false
	var st searchState[I]
	parent.(*testing.T).Run("replay", func(t *testing.T) {
		r.t = t
		rapid.MakeFuzz(func(rt *rapid.T) {
			drawn := r.draw(rt, rf.Bounds)
			sc := drawn
			if rf.Keep != nil {
				sc = apply(drawn, *rf.Keep)
				// rapid logs the scenario as drawn; say what runs.
				t.Logf("replaying the %d operations minimization kept:\n%s", sc.Size(), r.formatScenario(sc))
			}
			ran = true
			var o outcome
			if rf.Picks != nil && mode == Controlled {
				o = r.controlledOnce(sc, sched.NewReplay(rf.Picks))
				r.executions++
				r.total++
			} else {
				o = r.runScenario(&st, rt, mode, sc)
			}
			if o.kind != 0 {
				f := r.note(&st, sc, o, mode, rf.Bounds)
				f.drawn, f.sel = drawn, rf.Keep
			}
		})(t, drawsToBytes(rf.Draws))
	})
	r.t = parent
	switch {
	case !ran:
		return nil, errors.New("stress: replay file " + path + " no longer decodes to a scenario: was the spec changed?")
	case st.last == nil && mode == Controlled:
		return nil, r.diverged(path, rf)
	case st.last == nil:
		// Not a pass, and not a failure: the scenario is replayed, the
		// interleaving of real goroutines is not, so a failure that
		// does not recur says nothing about whether it is fixed.
		r.skipf("stress: replaying %s: the %s did not recur in %d %s of its scenario. A stress-mode replay is best effort: it runs the same scenario with real goroutines, whose interleaving cannot be replayed. Run it again, or with a larger -stress.runs; only controlled-mode replays are exact.", path, rf.Kind, r.executions, plural(r.executions, "run", "runs"))
	}
	st.last.draws, st.last.picks = rf.Draws, rf.Picks
	return r.report(st.last, "replayed from "+path), nil
}

// replayProbe replays a failure of the instrumentation probe, whose
// scenario comes from the seed.
func (r *runner[T, I, O]) replayProbe(rf replayFile, path string) (*Failure, error) {
	if rf.Bounds.Threads > 0 && rf.Bounds.Ops > 0 {
		r.cfg.threads, r.cfg.ops = rf.Bounds.Threads, rf.Bounds.Ops
	}
	drawn := r.probeScenario()
	sc := drawn
	if rf.Keep != nil {
		sc = apply(drawn, *rf.Keep)
	}
	o := r.controlledOnce(sc, sched.NewReplay(rf.Picks))
	r.executions++
	r.total++
	if o.kind == 0 {
		return nil, r.diverged(path, rf)
	}
	var st searchState[I]
	f := r.note(&st, sc, o, Controlled, bounds{})
	f.drawn, f.sel, f.picks, f.probe = drawn, rf.Keep, rf.Picks, true
	return r.report(f, "replayed from "+path), nil
}

// ErrDiverged is the error of a controlled replay that did not reproduce
// its failure.
var ErrDiverged = errors.New("stress: the replay did not reproduce the failure")

// diverged returns the error of a controlled replay that showed no
// failure. A controlled replay is exact: the same scenario and schedule
// give the same execution, so a replay that passes means the code or the
// spec changed, or the type does something the scheduler cannot see.
func (r *runner[T, I, O]) diverged(path string, rf replayFile) error {
	return fmt.Errorf("%w: %s was a %s under controlled scheduling, which replays exactly, and this time it passed. Either the code under test or the spec changed since the file was written (if you fixed the bug, delete the file), or the type does something the scheduler does not see (a plain goroutine, channel, sync primitive, time or randomness)", ErrDiverged, path, rf.Kind)
}
