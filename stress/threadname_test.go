package stress

import (
	"testing"

	"github.com/interleave-go/interleave/linearize"
)

// TestThreadName: threadName is the one name of a thread in reports, and
// schedThread maps the spec's numbering (0 for both sequential parts)
// onto it, init before any parallel operation is called and post after.
func TestThreadName(t *testing.T) {
	for _, tc := range []struct {
		id, n int
		want  string
	}{
		{0, 2, "init"}, {1, 2, "thread 1"}, {2, 2, "thread 2"}, {3, 2, "post"},
		{4, 2, "g1"}, {5, 2, "g2"}, {threadNew, 2, "Spec.New"}, {threadCleanup, 2, "Spec.Cleanup"},
	} {
		if got := threadName(tc.id, tc.n); got != tc.want {
			t.Errorf("threadName(%d, %d) = %q, want %q", tc.id, tc.n, got, tc.want)
		}
	}
	h := []linearize.Operation{{Thread: 0, Call: 1}, {Thread: 1, Call: 3}, {Thread: 2, Call: 4}, {Thread: 0, Call: 9}}
	for _, tc := range []struct {
		thread int
		call   int64
		want   string
	}{
		{0, 1, "init"}, {1, 3, "thread 1"}, {2, 4, "thread 2"}, {0, 9, "post"},
	} {
		if got := threadName(schedThread(tc.thread, tc.call, h, 2), 2); got != tc.want {
			t.Errorf("thread %d called at %d: %q, want %q", tc.thread, tc.call, got, tc.want)
		}
	}
	if got := panicThread(0, h[:1]); got != "init" {
		t.Errorf("a panic in the sequential part before the parallel one: %q, want init", got)
	}
	if got := panicThread(0, h); got != "post" {
		t.Errorf("a panic in the sequential part after the parallel one: %q, want post", got)
	}
}
