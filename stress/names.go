package stress

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/interleave-go/interleave/sched"
)

// methods are the method names of each kind of event, as they appear in
// the source line that performed it.
var methods = map[sched.EventKind]string{
	sched.KindLoad:   "Load",
	sched.KindStore:  "Store",
	sched.KindAdd:    "Add",
	sched.KindSwap:   "Swap",
	sched.KindCAS:    "CompareAndSwap",
	sched.KindLock:   "(?:Lock|TryLock)",
	sched.KindBlock:  "(?:Lock|TryLock)",
	sched.KindUnlock: "Unlock",
}

// varNames names the instrumented variables of events after the
// expression the source applies each operation to ("s.head"), so that a
// table says "CAS s.head p1→p2" rather than "CAS v1 p1→p2". A line with two
// operations of a kind names them in the order they ran. A name two
// variables share (n.next of two nodes) gets the variable's number; a
// variable whose source cannot be read keeps "v1".
func varNames(events []sched.Event) map[int]string {
	names := map[int]string{}
	sources := map[string][]string{}
	type at struct {
		file string
		line int
	}
	last := map[int]at{}   // by thread: where its previous event was
	index := map[int]int{} // by thread: how many events in a row on that line
	for _, e := range events {
		method, ok := methods[e.Kind]
		if !ok || e.Var == 0 {
			continue
		}
		file, line, ok := e.Source()
		if !ok {
			continue
		}
		if last[e.Thread] == (at{file, line}) {
			index[e.Thread]++
		} else {
			index[e.Thread] = 0
		}
		last[e.Thread] = at{file, line}
		if _, named := names[e.Var]; named {
			continue
		}
		lines, ok := sources[file]
		if !ok {
			if data, err := os.ReadFile(file); err == nil {
				lines = strings.Split(string(data), "\n")
			}
			sources[file] = lines
		}
		if line < 1 || line > len(lines) {
			continue
		}
		re := regexp.MustCompile(`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\([^()]*\))*)\.` + method + `\(`)
		found := re.FindAllStringSubmatch(lines[line-1], -1)
		if i := index[e.Thread]; i < len(found) {
			names[e.Var] = found[i][1]
		}
	}
	count := map[string]int{}
	for _, n := range names {
		count[n]++
	}
	for v, n := range names {
		if count[n] > 1 {
			names[v] = fmt.Sprintf("%s#%d", n, v)
		}
	}
	return names
}
