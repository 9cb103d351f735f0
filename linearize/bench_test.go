package linearize_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/linearize"
)

// Input and output of the benchmarked operation, boxed once: boxing a
// value per operation would measure the allocator, not the recorder.
var benchIn, benchOut any = 1, 2

// laneCap is how many operations each lane of a benchmark recorder holds.
const laneCap = 1 << 16

// benchLanes hands out the lanes of one recorder, laneCap operations each,
// enough for n operations however they are shared among goroutines: a
// goroutine claims a new lane when its lane is full, so at most one lane
// per goroutine is left partly used.
type benchLanes struct {
	rec  *linearize.Recorder
	next atomic.Int64
}

func newBenchLanes(n, goroutines int) *benchLanes {
	capacity := make([]int, (n+laneCap-1)/laneCap+goroutines)
	for i := range capacity {
		capacity[i] = laneCap
	}
	return &benchLanes{rec: linearize.NewRecorder(capacity)}
}

func (l *benchLanes) claim() int { return int(l.next.Add(1) - 1) }

// BenchmarkRecording measures what recording costs per operation. The
// operation is an atomic.Int64 Add: "bare" runs it alone, "recorded"
// brackets it with Recorder.Call and Recorder.Return; recorded minus bare
// is the overhead. The parallel variants run on every P with
// b.RunParallel, all goroutines on one counter and one recorder (so one
// logical clock), each goroutine on its own lanes.
//
// The recorder is allocated before the timer starts, with room for b.N
// operations (56 bytes each), and the garbage collector run, so that the
// timed loop neither allocates nor runs with write barriers on. That
// takes memory in proportion to b.N: about 2 GB at -benchtime 1s where a
// recorded operation takes 30ns. Recorders cannot be reset, and
// RunParallel's body must not stop the timer, which rules out smaller
// recorders swapped in outside the timed region.
func BenchmarkRecording(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		var c atomic.Int64
		for range b.N {
			c.Add(1)
		}
	})
	b.Run("recorded", func(b *testing.B) {
		b.ReportAllocs()
		var c atomic.Int64
		l := newBenchLanes(b.N, 1)
		runtime.GC()
		b.ResetTimer()
		lane, n := l.claim(), 0
		for range b.N {
			if n == laneCap {
				lane, n = l.claim(), 0
			}
			i := l.rec.Call(lane, benchIn)
			c.Add(1)
			l.rec.Return(lane, i, benchOut)
			n++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.Run("bare", func(b *testing.B) {
			var c atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.Add(1)
				}
			})
		})
		b.Run("recorded", func(b *testing.B) {
			b.ReportAllocs()
			var c atomic.Int64
			l := newBenchLanes(b.N, runtime.GOMAXPROCS(0))
			runtime.GC()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				lane, n := l.claim(), 0
				for pb.Next() {
					if n == laneCap {
						lane, n = l.claim(), 0
					}
					i := l.rec.Call(lane, benchIn)
					c.Add(1)
					l.rec.Return(lane, i, benchOut)
					n++
				}
			})
		})
	})
}
