package stress

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/sched"
)

// namesOf runs fn's threads under the scheduler, recording sites, and
// returns the names varNames gives each event's variable, by operation
// ("Send ch"), in order of first appearance.
func namesOf(t *testing.T, threads ...func()) []string {
	t.Helper()
	ex := sched.Execute(sched.Config{Sites: true}, threads)
	names := varNames(ex.Events)
	var out []string
	for _, e := range ex.Events {
		if e.Var == 0 {
			continue
		}
		s := e.Kind.String()
		if e.Kind == sched.KindOp {
			s = e.Text
		}
		s += " " + names[e.Var]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestVarNamesByShape: variables are named after the expression each kind
// of operation is applied to, not only method calls: channel sends and
// receives (in a select too), close, len, the functions of sync/atomic
// on an address, and a wait group's or a condition's methods.
func TestVarNamesByShape(t *testing.T) {
	type box struct {
		wg    sched.WaitGroup
		count int64
		mu    sched.Mutex
	}
	var b box
	jobs := sched.MakeChan[int](1)
	done := sched.MakeChan[struct{}](0)
	b.wg.Add(1)
	got := namesOf(t,
		func() {
			jobs.Send(1)
			sched.AddInt64(&b.count, 1)
			jobs.Close()
			b.mu.Lock()
			b.mu.Unlock()
			done.Send(struct{}{})
		},
		func() {
			for v := range jobs.Range() {
				_ = v
			}
			var ok bool
			switch sched.Select(false, done.RecvCase(nil, &ok)) {
			case 0:
			}
			_ = jobs.Len()
			b.wg.Done()
			b.wg.Wait()
		},
	)
	for _, want := range []string{"Send jobs", "Add b.count", "Close jobs", "Lock b.mu", "Unlock b.mu", "Recv jobs", "Len jobs", "Done b.wg", "Wait b.wg"} {
		if !slices.Contains(got, want) {
			t.Errorf("no %q among the named operations %q", want, got)
		}
	}
	for _, g := range got {
		if strings.HasSuffix(g, " ") {
			t.Errorf("operation %q has no name (of %q)", g, got)
		}
	}
}

// TestOperandsOfPlainSource: in code compiled through interleave test the
// events' lines are the user's plain Go, where channel operations are
// operators and builtins, and atomics may be functions on an address.
func TestOperandsOfPlainSource(t *testing.T) {
	src := `package p

func f() {
	ch <- 1
	v, ok := <-s.results
	close(ch)
	n := len(s.queue) + cap(s.queue)
	atomic.AddInt64(&s.hits, 1); atomic.CompareAndSwapInt32(&flag, 0, 1)
	for x := range jobs {
	}
	select {
	case <-ctx.Done():
	case out <- v:
	}
	s.wg.Wait()
	select {
	case v := <-ch:
	case <-time.After(d):
	}
}
`
	file := t.TempDir() + "/p.go"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ops := operands(file)
	want := map[int][]operand{
		4:  {{"Send", "ch"}},
		5:  {{"Recv", "s.results"}},
		6:  {{"Close", "ch"}},
		7:  {{"Len", "s.queue"}, {"Cap", "s.queue"}},
		8:  {{"Add", "s.hits"}, {"CompareAndSwap", "flag"}},
		9:  {{"Recv", "jobs"}},
		11: {{"Recv", "ctx.Done()"}, {"Send", "out"}},
		12: {{"Recv", "ctx.Done()"}, {"Done", "ctx"}},
		13: {{"Send", "out"}},
		15: {{"Wait", "s.wg"}},
		// Two receives of one select: the event does not say which
		// case ran, so neither names the channel.
		16: {{"Recv", ""}, {"Recv", ""}},
		17: {{"Recv", "ch"}},
		18: {{"Recv", "time.After(d)"}, {"After", "time"}},
	}
	for line, w := range want {
		if !slices.Equal(ops[line], w) {
			t.Errorf("line %d: operands %v, want %v", line, ops[line], w)
		}
	}
}

// TestSignalValueShown: a value of size zero sent on a channel (a
// signal, struct{}{}) shows as {} in a table, not as its type.
func TestSignalValueShown(t *testing.T) {
	done := sched.MakeChan[struct{}](1)
	ex := sched.Execute(sched.Config{}, []func(){func() { done.Send(struct{}{}); done.Recv() }})
	var got []string
	for _, e := range ex.Events {
		if e.Kind == sched.KindOp {
			got = append(got, e.Text+" "+e.New)
		}
	}
	if !slices.Equal(got, []string{"Send {}", "Recv {}"}) {
		t.Errorf("events %q, want a send and a receive of {}", got)
	}
}
