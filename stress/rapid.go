package stress

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

// captureTB is the rapid.TB that rapid reports to while stress drives it:
// it keeps rapid's messages for the log instead of failing the test, so
// that stress can write its own report (and a test can expect a failure).
type captureTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	log    strings.Builder
}

// errFailNow unwinds rapid.Check when rapid calls FailNow.
type errFailNow struct{}

func (c *captureTB) Helper()      {}
func (c *captureTB) Name() string { return c.name }
func (c *captureTB) Logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(&c.log, format+"\n", args...)
}
func (c *captureTB) Log(args ...any)                  { c.Logf("%s", fmt.Sprint(args...)) }
func (c *captureTB) Skipf(format string, args ...any) { c.Logf(format, args...); c.SkipNow() }
func (c *captureTB) Skip(args ...any)                 { c.Log(args...); c.SkipNow() }
func (c *captureTB) SkipNow()                         { panic(errFailNow{}) }
func (c *captureTB) Errorf(format string, args ...any) {
	c.Logf(format, args...)
	c.Fail()
}
func (c *captureTB) Error(args ...any)                 { c.Log(args...); c.Fail() }
func (c *captureTB) Fatalf(format string, args ...any) { c.Errorf(format, args...); c.FailNow() }
func (c *captureTB) Fatal(args ...any)                 { c.Error(args...); c.FailNow() }
func (c *captureTB) FailNow()                          { c.Fail(); panic(errFailNow{}) }
func (c *captureTB) Fail() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed = true
}
func (c *captureTB) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

// rapidMu serializes the use of rapid's global flags.
var rapidMu sync.Mutex

var checkCount atomic.Int64

// rapidCheck runs rapid.Check on prop with the given number of checks,
// seed and shrink time, and returns the draws of the failing case rapid
// settled on (read back from the fail file rapid writes, which is then
// removed from the package's testdata), or nil, and whether rapid saw a
// failure. Anything rapid logged is in log. A panic out of rapid itself
// is returned as an error.
func rapidCheck(checks int, seed uint64, shrink string, prop func(*rapid.T)) (draws []uint64, failed bool, log string, err error) {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	if testing.Short() {
		// rapid divides its checks by 5 under -short, which turns a small
		// count into none: stress has already decided how many it wants
		// (see runner.checks), so undo rapid's division.
		checks *= 5
	}
	restore := setFlags(map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.shrinktime": shrink,
		"rapid.nofailfile": "false",
		"rapid.failfile":   "",
		"rapid.v":          "false",
		"rapid.log":        "false",
	})
	defer restore()

	tb := &captureTB{name: fmt.Sprintf("interleave-%d-%d", os.Getpid(), checkCount.Add(1))}
	dir := filepath.Join("testdata", "rapid", tb.name)
	defer cleanupFailDir(dir)
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(errFailNow); !ok {
					err = fmt.Errorf("rapid: %v", p)
				}
			}
		}()
		rapid.Check(tb, prop)
	}()
	if tb.Failed() {
		draws = readFailFile(dir)
	}
	return draws, tb.Failed(), tb.log.String(), err
}

// setFlags sets flags by name and returns a function that restores them.
// Flags that do not exist are skipped.
func setFlags(values map[string]string) (restore func()) {
	old := map[string]string{}
	for name, v := range values {
		f := flag.Lookup(name)
		if f == nil {
			continue
		}
		old[name] = f.Value.String()
		_ = f.Value.Set(v)
	}
	return func() {
		for name, v := range old {
			_ = flag.Lookup(name).Value.Set(v)
		}
	}
}

// readFailFile reads the draws of the one fail file in dir: lines starting
// with '#' are comments, the first other line is "version#seed", the rest
// are the draws in hex.
func readFailFile(dir string) []uint64 {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.fail"))
	if len(matches) == 0 {
		return nil
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		return nil
	}
	var draws []uint64
	header := true
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		u, err := strconv.ParseUint(line, 0, 64)
		if err != nil {
			return nil
		}
		draws = append(draws, u)
	}
	if draws == nil {
		draws = []uint64{}
	}
	return draws
}

// cleanupFailDir removes dir and then its parents testdata/rapid and
// testdata if they are left empty, so the user's tree stays as it was.
func cleanupFailDir(dir string) {
	_ = os.RemoveAll(dir)
	_ = os.Remove(filepath.Dir(dir))
	_ = os.Remove(filepath.Dir(filepath.Dir(dir)))
}

// drawsToBytes encodes draws the way rapid.MakeFuzz decodes fuzz input:
// one 8-byte little-endian word per draw.
func drawsToBytes(draws []uint64) []byte {
	b := make([]byte, 8*len(draws))
	for i, d := range draws {
		binary.LittleEndian.PutUint64(b[8*i:], d)
	}
	return b
}
