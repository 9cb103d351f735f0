package stress

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// The journal: how a child process tells its parent where it is, so that
// a crash can be tied to the scenario that caused it.

// journalRecord says what a child is about to run.
type journalRecord struct {
	// Phase is "search" for a scenario drawn by a search (Seed and Index
	// then find it again), "probe" for the instrumentation probe,
	// "replay" for a replay file, or what else ran.
	Phase  string `json:"phase"`
	Mode   Mode   `json:"mode"`
	Bounds bounds `json:"bounds"`
	// Seed is the rapid seed of the batch, Index the number of the
	// property's call in it, from 1.
	Seed  uint64 `json:"seed,omitempty"`
	Index int    `json:"index,omitempty"`
	// Total and Scenarios count what ran before; Elapsed is the time
	// since Run began.
	Total     int           `json:"total"`
	Scenarios int           `json:"scenarios"`
	Elapsed   time.Duration `json:"elapsed"`
}

// journal is the child's record of where it is: one line, written over
// the last one at the start of the file; the page cache outlives the
// process, so no sync is needed. It is written once per scenario, so it
// is kept cheap: no allocation, no encoding package, and where the
// system allows, a shared memory mapping of the file instead of a write
// (mapJournal).
type journal struct {
	f   *os.File
	buf []byte
	mem []byte // the file, mapped, or nil
}

func openJournal(path string) (*journal, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	j := &journal{f: f}
	j.mem = mapJournal(f)
	return j, nil
}

func (j *journal) write(rec journalRecord) {
	if j == nil {
		return
	}
	b := j.encode(rec)
	if len(b) < len(j.mem) {
		copy(j.mem, b)
		return
	}
	_, _ = j.f.WriteAt(b, 0)
}

func (j *journal) encode(rec journalRecord) []byte {
	b := append(j.buf[:0], rec.Phase...)
	for _, v := range []uint64{uint64(rec.Mode), uint64(rec.Bounds.Threads), uint64(rec.Bounds.Ops), uint64(rec.Bounds.Init), uint64(rec.Bounds.Post),
		rec.Seed, uint64(rec.Index), uint64(rec.Total), uint64(rec.Scenarios), uint64(rec.Elapsed)} {
		b = append(b, ' ')
		b = strconv.AppendUint(b, v, 10)
	}
	b = append(b, '\n')
	j.buf = b
	return b
}

func readJournal(path string) *journalRecord {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	var rec journalRecord
	var elapsed int64
	if _, err := fmt.Sscan(string(line), &rec.Phase, &rec.Mode, &rec.Bounds.Threads, &rec.Bounds.Ops, &rec.Bounds.Init, &rec.Bounds.Post,
		&rec.Seed, &rec.Index, &rec.Total, &rec.Scenarios, &elapsed); err != nil {
		return nil
	}
	rec.Elapsed = time.Duration(elapsed)
	return &rec
}

// record writes where the search is, if it runs in a child.
func (r *runner[T, I, O]) record(phase string) {
	if r.journal == nil {
		return
	}
	rec := r.at
	rec.Phase = phase
	if phase != "search" {
		rec.Seed, rec.Index = 0, 0
	}
	rec.Total, rec.Scenarios, rec.Elapsed = r.total, r.scenarios, time.Since(r.began)
	r.journal.write(rec)
}
