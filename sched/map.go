package sched

import (
	"sync"
	"unsafe"
)

// Map is a map safe for concurrent use, with the methods of sync.Map. In
// a controlled run each operation is one scheduling point, shown in the
// trace as one event named after the method (Load, Store, LoadOrStore,
// ...): like sync.Map's, its operations are atomic, so nothing can come
// between a Load's check and its result. Range is one point to take the
// entries, and f runs outside it. Range visits keys in an order fixed by
// the operations done, not by a hash seed, so that a controlled run
// replays exactly. The zero value is empty and ready to use. It must not
// be copied after first use.
//
// It is built for checking, not speed: outside a controlled run it costs
// what a sync.RWMutex and a map cost, which under heavy concurrent reads
// is more than sync.Map.
type Map struct {
	_       noCopy
	mu      sync.RWMutex // never held across a scheduling point
	index   map[any]int  // position of each key in entries
	entries []mapEntry
}

// enter is the scheduling point before an operation that writes the map
// if write. It returns the run and thread to record the operation with
// (see leave), or nil outside a controlled run.
func (m *Map) enter(write bool) (*scheduler, *thread) {
	s := active.Load()
	if s == nil {
		return nil, nil
	}
	if s.perturb {
		s.maybeYield()
		return nil, nil
	}
	t := s.pointAt(Access{Obj: uintptr(unsafe.Pointer(m)), Write: write})
	if t == nil {
		return nil, nil
	}
	return s, t
}

// leave records the operation op that t did, after enter.
func (m *Map) leave(s *scheduler, t *thread, op string) {
	if t != nil {
		s.record(t, Event{Kind: KindOp, Var: s.varOf(unsafe.Pointer(m)), Text: op})
	}
}

type mapEntry struct{ key, value any }

// Load returns the value stored in the map for a key, or nil if no value
// is present. The ok result indicates whether value was found in the map.
func (m *Map) Load(key any) (value any, ok bool) {
	s, t := m.enter(false)
	m.mu.RLock()
	value, ok = m.get(key)
	m.mu.RUnlock()
	m.leave(s, t, "Load")
	return value, ok
}

// Store sets the value for a key.
func (m *Map) Store(key, value any) {
	s, t := m.enter(true)
	m.mu.Lock()
	m.set(key, value)
	m.mu.Unlock()
	m.leave(s, t, "Store")
}

// Clear deletes all the entries.
func (m *Map) Clear() {
	s, t := m.enter(true)
	m.mu.Lock()
	clear(m.index)
	m.entries = nil
	m.mu.Unlock()
	m.leave(s, t, "Clear")
}

// LoadOrStore returns the existing value for the key if present.
// Otherwise, it stores and returns the given value. The loaded result is
// true if the value was loaded, false if stored.
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	s, t := m.enter(true)
	m.mu.Lock()
	actual, loaded = m.get(key)
	if !loaded {
		m.set(key, value)
		actual = value
	}
	m.mu.Unlock()
	m.leave(s, t, "LoadOrStore")
	return actual, loaded
}

// LoadAndDelete deletes the value for a key, returning the previous value
// if any. The loaded result reports whether the key was present.
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	s, t := m.enter(true)
	value, loaded = m.loadAndDelete(key)
	m.leave(s, t, "LoadAndDelete")
	return value, loaded
}

// Delete deletes the value for a key.
func (m *Map) Delete(key any) {
	s, t := m.enter(true)
	m.loadAndDelete(key)
	m.leave(s, t, "Delete")
}

func (m *Map) loadAndDelete(key any) (value any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	value, loaded = m.get(key)
	if loaded {
		m.delete(key)
	}
	return value, loaded
}

// Swap swaps the value for a key and returns the previous value if any.
// The loaded result reports whether the key was present.
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	s, t := m.enter(true)
	m.mu.Lock()
	previous, loaded = m.get(key)
	m.set(key, value)
	m.mu.Unlock()
	m.leave(s, t, "Swap")
	return previous, loaded
}

// CompareAndSwap swaps the old and new values for key if the value stored
// in the map is equal to old. The old value must be of a comparable type.
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
	s, t := m.enter(true)
	defer m.leave(s, t, "CompareAndSwap")
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.get(key); !ok || v != old {
		return false
	}
	m.set(key, new)
	return true
}

// CompareAndDelete deletes the entry for key if its value is equal to
// old. The old value must be of a comparable type. If there is no current
// value for key in the map, CompareAndDelete returns false (even if the
// old value is the nil interface value).
func (m *Map) CompareAndDelete(key, old any) (deleted bool) {
	s, t := m.enter(true)
	defer m.leave(s, t, "CompareAndDelete")
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.get(key); !ok || v != old {
		return false
	}
	m.delete(key)
	return true
}

// Range calls f sequentially for each key and value present in the map.
// If f returns false, range stops the iteration. As with sync.Map, Range
// does not correspond to a consistent snapshot: it visits the entries
// present when it starts, with their values then, and f may modify the
// map.
func (m *Map) Range(f func(key, value any) bool) {
	s, t := m.enter(false)
	m.mu.RLock()
	entries := append([]mapEntry(nil), m.entries...)
	m.mu.RUnlock()
	m.leave(s, t, "Range")
	for _, e := range entries {
		if !f(e.key, e.value) {
			return
		}
	}
}

func (m *Map) get(key any) (any, bool) {
	i, ok := m.index[key]
	if !ok {
		return nil, false
	}
	return m.entries[i].value, true
}

func (m *Map) set(key, value any) {
	if i, ok := m.index[key]; ok {
		m.entries[i].value = value
		return
	}
	if m.index == nil {
		m.index = map[any]int{}
	}
	m.index[key] = len(m.entries)
	m.entries = append(m.entries, mapEntry{key, value})
}

// delete removes key, moving the last entry into its place.
func (m *Map) delete(key any) {
	i := m.index[key]
	last := len(m.entries) - 1
	if i != last {
		m.entries[i] = m.entries[last]
		m.index[m.entries[i].key] = i
	}
	m.entries[last] = mapEntry{}
	m.entries = m.entries[:last]
	delete(m.index, key)
}
