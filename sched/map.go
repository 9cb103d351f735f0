package sched

// Map is a map safe for concurrent use, with the methods of sync.Map. It
// is a plain map under an [RWMutex], so its operations are scheduling
// points in a controlled run (two for a read: RLock and RUnlock). Range
// visits keys in an order fixed by the operations done, not by a hash
// seed, so that a controlled run replays exactly. The zero value is empty
// and ready to use. It must not be copied after first use.
//
// It is built for checking, not speed: outside a controlled run it costs
// what an RWMutex and a map cost, which under heavy concurrent reads is
// more than sync.Map.
type Map struct {
	_       noCopy
	mu      RWMutex
	index   map[any]int // position of each key in entries
	entries []mapEntry
}

type mapEntry struct{ key, value any }

// Load returns the value stored in the map for a key, or nil if no value
// is present. The ok result indicates whether value was found in the map.
func (m *Map) Load(key any) (value any, ok bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.get(key)
}

// Store sets the value for a key.
func (m *Map) Store(key, value any) {
	m.Swap(key, value)
}

// Clear deletes all the entries.
func (m *Map) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.index)
	m.entries = nil
}

// LoadOrStore returns the existing value for the key if present.
// Otherwise, it stores and returns the given value. The loaded result is
// true if the value was loaded, false if stored.
func (m *Map) LoadOrStore(key, value any) (actual any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.get(key); ok {
		return v, true
	}
	m.set(key, value)
	return value, false
}

// LoadAndDelete deletes the value for a key, returning the previous value
// if any. The loaded result reports whether the key was present.
func (m *Map) LoadAndDelete(key any) (value any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	value, loaded = m.get(key)
	if loaded {
		m.delete(key)
	}
	return value, loaded
}

// Delete deletes the value for a key.
func (m *Map) Delete(key any) {
	m.LoadAndDelete(key)
}

// Swap swaps the value for a key and returns the previous value if any.
// The loaded result reports whether the key was present.
func (m *Map) Swap(key, value any) (previous any, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	previous, loaded = m.get(key)
	m.set(key, value)
	return previous, loaded
}

// CompareAndSwap swaps the old and new values for key if the value stored
// in the map is equal to old. The old value must be of a comparable type.
func (m *Map) CompareAndSwap(key, old, new any) (swapped bool) {
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
	m.mu.RLock()
	entries := append([]mapEntry(nil), m.entries...)
	m.mu.RUnlock()
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
