package linearize_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

func add(d int64) model.CounterInput { return model.CounterInput{Op: model.CounterAdd, Delta: d} }

var get = model.CounterInput{Op: model.CounterGet}

func value(v int64) model.CounterOutput { return model.CounterOutput{Value: v} }

// op is a completed operation of thread over the stamps [call, ret].
func op(thread int, call, ret int64, in, out any) linearize.Operation {
	return linearize.Operation{Thread: thread, Input: in, Output: out, Call: call, Return: ret}
}

// pending is an operation of thread called at call that never returned, as
// Recorder.History gives it.
func pending(thread int, call int64, in any) linearize.Operation {
	return linearize.Operation{Thread: thread, Input: in, Call: call, Pending: true}
}

func counterModel(t testing.TB) porcupine.Model {
	t.Helper()
	pm, err := model.Counter().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	return pm
}

func TestCheckVerdict(t *testing.T) {
	tests := []struct {
		name    string
		history []linearize.Operation
		want    linearize.Verdict
	}{
		{"empty", nil, linearize.Linearizable},
		{"sequential", []linearize.Operation{
			op(0, 1, 2, add(1), value(1)),
			op(0, 3, 4, add(2), value(3)),
			op(1, 5, 6, get, value(3)),
		}, linearize.Linearizable},
		{"lost update", []linearize.Operation{
			op(0, 1, 4, add(1), value(1)),
			op(1, 2, 3, add(1), value(1)),
		}, linearize.NotLinearizable},
		{"stale read", []linearize.Operation{
			op(0, 1, 2, add(1), value(1)),
			op(1, 3, 4, get, value(0)),
		}, linearize.NotLinearizable},
		{"overlapping, one order", []linearize.Operation{
			op(0, 1, 4, add(1), value(2)),
			op(1, 2, 3, add(1), value(1)),
		}, linearize.Linearizable},
		// A pending operation returns after everything else: the Get,
		// called after it, may see it.
		{"pending add seen by a later get", []linearize.Operation{
			pending(0, 1, add(5)),
			op(1, 2, 3, get, value(5)),
		}, linearize.Linearizable},
		{"pending add not seen yet", []linearize.Operation{
			pending(0, 1, add(5)),
			op(1, 2, 3, get, value(0)),
			op(1, 4, 5, get, value(5)),
		}, linearize.Linearizable},
		{"pending add seen, then not", []linearize.Operation{
			pending(0, 1, add(5)),
			op(1, 2, 3, get, value(5)),
			op(1, 4, 5, get, value(0)),
		}, linearize.NotLinearizable},
		{"pending add called after the get", []linearize.Operation{
			op(1, 1, 2, get, value(5)),
			pending(0, 3, add(5)),
		}, linearize.NotLinearizable},
		{"two pending adds", []linearize.Operation{
			pending(0, 1, add(5)),
			pending(1, 2, add(7)),
			op(2, 3, 4, get, value(7)),
			op(2, 5, 6, get, value(12)),
		}, linearize.Linearizable},
	}
	pm := counterModel(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := linearize.Check(pm, tt.history, linearize.Config{})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if res.Verdict != tt.want {
				t.Errorf("Verdict = %v, want %v", res.Verdict, tt.want)
			}
			if res.Visualization != "" {
				t.Errorf("Visualization = %q without VisualizeDir", res.Visualization)
			}
		})
	}
}

// expensiveStack is a linearizable stack history that porcupine can only find after
// trying almost every order of n concurrent pushes: the pops, one after the
// other and after every push, return 1, 2, ..., n, so the pushes must have
// run in the order n, ..., 1, the last order porcupine's search tries. For
// n = 12 that is about 12! = 479001600 orders.
func expensiveStack(n int) []linearize.Operation {
	var h []linearize.Operation
	for i := range n {
		// Every push is called before any returns.
		h = append(h, op(i, int64(1+i), int64(1+n+i), model.ContainerInput{Op: model.ContainerPut, Value: i + 1}, model.ContainerOutput{}))
	}
	stamp := int64(2*n + 1)
	for i := range n {
		h = append(h, op(0, stamp, stamp+1, model.ContainerInput{Op: model.ContainerTake}, model.ContainerOutput{Value: i + 1, OK: true}))
		stamp += 2
	}
	return h
}

func TestCheckUnknown(t *testing.T) {
	pm, err := model.Stack().Porcupine()
	if err != nil {
		t.Fatal(err)
	}
	// Sanity check of the construction, on a size that finishes at once.
	if res, err := linearize.Check(pm, expensiveStack(4), linearize.Config{}); err != nil || res.Verdict != linearize.Linearizable {
		t.Fatalf("Check(expensiveStack(4)) = %v, %v; want ok", res.Verdict, err)
	}

	dir := filepath.Join(t.TempDir(), "viz")
	res, err := linearize.Check(pm, expensiveStack(12), linearize.Config{Timeout: time.Nanosecond, VisualizeDir: dir})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if res.Verdict == linearize.Linearizable {
		t.Fatal("Verdict = ok: a check cut short passed")
	}
	if res.Verdict != linearize.Undecided {
		t.Fatalf("Verdict = %v, want unknown", res.Verdict)
	}
	if res.Visualization != "" {
		t.Errorf("Visualization = %q for an unknown verdict", res.Visualization)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("VisualizeDir created for an unknown verdict (Stat: %v)", err)
	}
}

func TestCheckVisualize(t *testing.T) {
	lostUpdate := []linearize.Operation{
		op(0, 1, 4, add(1), value(1)),
		op(1, 2, 3, add(1), value(1)),
	}
	tests := []struct {
		name     string
		history  []linearize.Operation
		optName  string
		wantStem string // file name prefix; empty when nothing is written
	}{
		{"illegal", lostUpdate, "TestCounter/lost update", "TestCounter_lost_update-"},
		{"illegal, default name", lostUpdate, "", "history-"},
		{"illegal with pending", append([]linearize.Operation{pending(2, 5, add(3))}, lostUpdate...), "pending", "pending-"},
		{"ok", lostUpdate[:1], "ok", ""},
	}
	pm := counterModel(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "artifacts", "viz") // does not exist yet
			res, err := linearize.Check(pm, tt.history, linearize.Config{VisualizeDir: dir, Name: tt.optName})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if tt.wantStem == "" {
				if res.Verdict != linearize.Linearizable || res.Visualization != "" {
					t.Errorf("Check = %v, visualization %q; want ok and none", res.Verdict, res.Visualization)
				}
				if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("VisualizeDir created for an ok history (Stat: %v)", err)
				}
				return
			}
			if res.Verdict != linearize.NotLinearizable {
				t.Fatalf("Verdict = %v, want illegal", res.Verdict)
			}
			path := res.Visualization
			if !filepath.IsAbs(path) || filepath.Dir(path) != dir {
				t.Errorf("Visualization = %q, want an absolute path in %s", path, dir)
			}
			if base := filepath.Base(path); !strings.HasPrefix(base, tt.wantStem) || !strings.HasSuffix(base, ".html") {
				t.Errorf("Visualization file %q, want %s*.html", base, tt.wantStem)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if html := string(b); !strings.Contains(html, "<html") || !strings.Contains(html, "Add(1)") {
				t.Errorf("%s is not a visualization of the history (%d bytes)", path, len(b))
			}
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) != 1 {
				t.Errorf("VisualizeDir holds %d files (%v), want 1", len(entries), err)
			}
		})
	}
}

// TestCheckVisualizeTwice checks that two failures with one name do not
// overwrite each other.
func TestCheckVisualizeTwice(t *testing.T) {
	history := []linearize.Operation{op(0, 1, 2, get, value(1))}
	dir := t.TempDir()
	opts := linearize.Config{VisualizeDir: dir, Name: "same"}
	first, err1 := linearize.Check(counterModel(t), history, opts)
	second, err2 := linearize.Check(counterModel(t), history, opts)
	if err1 != nil || err2 != nil {
		t.Fatalf("Check: %v, %v", err1, err2)
	}
	if first.Visualization == second.Visualization {
		t.Errorf("both visualizations written to %s", first.Visualization)
	}
}

func TestCheckVisualizeError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	history := []linearize.Operation{op(0, 1, 2, get, value(1))}
	res, err := linearize.Check(counterModel(t), history, linearize.Config{VisualizeDir: filepath.Join(file, "viz")})
	var pathErr *fs.PathError
	if err == nil || !strings.HasPrefix(err.Error(), "linearize: visualization: ") || !errors.As(err, &pathErr) {
		t.Errorf("Check with VisualizeDir under a file: error %v, want a wrapped *fs.PathError", err)
	}
	if res.Verdict != linearize.NotLinearizable {
		t.Errorf("Verdict = %v with the error, want illegal", res.Verdict)
	}
}

func TestCheckModelWithoutStep(t *testing.T) {
	pm := porcupine.Model{Init: func() any { return 0 }}
	res, err := linearize.Check(pm, []linearize.Operation{op(0, 1, 2, get, value(0))}, linearize.Config{})
	if err == nil || !strings.HasPrefix(err.Error(), "linearize: ") {
		t.Errorf("Check with a model without Step: error %v, want linearize: ...", err)
	}
	if res.Verdict == linearize.Linearizable {
		t.Error("Verdict = ok for a model without Step")
	}
}

// TestCheckRecorded checks histories recorded by a Recorder from real
// goroutines: an atomic counter passes, and a hung operation comes out
// pending and is still checked.
func TestCheckRecorded(t *testing.T) {
	const threads, perThread = 3, 20
	capacity := []int{perThread, perThread, perThread, 1}
	rec := linearize.NewRecorder(capacity)
	var counter atomicCounter
	var wg sync.WaitGroup
	for thread := range threads {
		wg.Go(func() {
			for i := range perThread {
				in := get
				if i%2 == 0 {
					in = add(int64(thread + 1))
				}
				j := rec.Call(thread, in)
				rec.Return(thread, j, counter.run(in))
			}
		})
	}
	// A fourth thread hangs inside an Add that has taken effect.
	rec.Call(threads, add(100))
	counter.run(add(100))
	wg.Wait()

	h := rec.History()
	if last := h[len(h)-1]; !last.Pending || last.Thread != threads {
		t.Fatalf("last operation %+v, want thread %d pending", last, threads)
	}
	res, err := linearize.Check(counterModel(t), h, linearize.Config{})
	if err != nil || res.Verdict != linearize.Linearizable {
		t.Errorf("Check = %v, %v; want ok", res.Verdict, err)
	}
}

// atomicCounter is a correct counter.
type atomicCounter struct{ v atomic.Int64 }

func (c *atomicCounter) run(in model.CounterInput) model.CounterOutput {
	if in.Op == model.CounterAdd {
		return value(c.v.Add(in.Delta))
	}
	return value(c.v.Load())
}

func TestVerdictString(t *testing.T) {
	tests := []struct {
		v    linearize.Verdict
		want string
	}{
		{linearize.Undecided, "undecided"},
		{linearize.Linearizable, "linearizable"},
		{linearize.NotLinearizable, "not linearizable"},
		{linearize.Verdict(9), "undecided"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("Verdict(%d).String() = %q, want %q", tt.v, got, tt.want)
		}
	}
	var zero linearize.Verdict
	if zero != linearize.Undecided {
		t.Errorf("zero Verdict is %v, want unknown", zero)
	}
}
