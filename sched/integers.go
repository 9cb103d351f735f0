package sched

import "sync/atomic"

// The integer types. Each fast path is one load of on and the std
// operation, within the inliner's budget; the slow paths are the generic
// functions of atomic.go, shared with the function forms (funcs.go).

// Int32 is an atomic int32 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Int32 struct {
	_ noCopy
	v int32
}

// Load atomically loads and returns the value stored in x.
func (x *Int32) Load() int32 {
	if on.Load() != 0 {
		return loadAt(&x.v)
	}
	return atomic.LoadInt32(&x.v)
}

// Store atomically stores val into x.
func (x *Int32) Store(val int32) {
	if on.Load() != 0 {
		storeAt(&x.v, val)
		return
	}
	atomic.StoreInt32(&x.v, val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Int32) Swap(new int32) (old int32) {
	if on.Load() != 0 {
		return swapAt(&x.v, new)
	}
	return atomic.SwapInt32(&x.v, new)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int32) CompareAndSwap(old, new int32) (swapped bool) {
	if on.Load() != 0 {
		return casAt(&x.v, old, new)
	}
	return atomic.CompareAndSwapInt32(&x.v, old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Int32) Add(delta int32) (new int32) {
	if on.Load() != 0 {
		return addAt(&x.v, delta)
	}
	return atomic.AddInt32(&x.v, delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) And(mask int32) (old int32) {
	if on.Load() != 0 {
		return andAt(&x.v, mask)
	}
	return atomic.AndInt32(&x.v, mask)
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int32) Or(mask int32) (old int32) {
	if on.Load() != 0 {
		return orAt(&x.v, mask)
	}
	return atomic.OrInt32(&x.v, mask)
}

// Int64 is an atomic int64 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Int64 struct {
	_ noCopy
	_ [0]atomic.Int64 // 64-bit aligned, like atomic.Int64
	v int64
}

// Load atomically loads and returns the value stored in x.
func (x *Int64) Load() int64 {
	if on.Load() != 0 {
		return loadAt(&x.v)
	}
	return atomic.LoadInt64(&x.v)
}

// Store atomically stores val into x.
func (x *Int64) Store(val int64) {
	if on.Load() != 0 {
		storeAt(&x.v, val)
		return
	}
	atomic.StoreInt64(&x.v, val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Int64) Swap(new int64) (old int64) {
	if on.Load() != 0 {
		return swapAt(&x.v, new)
	}
	return atomic.SwapInt64(&x.v, new)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Int64) CompareAndSwap(old, new int64) (swapped bool) {
	if on.Load() != 0 {
		return casAt(&x.v, old, new)
	}
	return atomic.CompareAndSwapInt64(&x.v, old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Int64) Add(delta int64) (new int64) {
	if on.Load() != 0 {
		return addAt(&x.v, delta)
	}
	return atomic.AddInt64(&x.v, delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) And(mask int64) (old int64) {
	if on.Load() != 0 {
		return andAt(&x.v, mask)
	}
	return atomic.AndInt64(&x.v, mask)
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Int64) Or(mask int64) (old int64) {
	if on.Load() != 0 {
		return orAt(&x.v, mask)
	}
	return atomic.OrInt64(&x.v, mask)
}

// Uint32 is an atomic uint32 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Uint32 struct {
	_ noCopy
	v uint32
}

// Load atomically loads and returns the value stored in x.
func (x *Uint32) Load() uint32 {
	if on.Load() != 0 {
		return loadAt(&x.v)
	}
	return atomic.LoadUint32(&x.v)
}

// Store atomically stores val into x.
func (x *Uint32) Store(val uint32) {
	if on.Load() != 0 {
		storeAt(&x.v, val)
		return
	}
	atomic.StoreUint32(&x.v, val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uint32) Swap(new uint32) (old uint32) {
	if on.Load() != 0 {
		return swapAt(&x.v, new)
	}
	return atomic.SwapUint32(&x.v, new)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint32) CompareAndSwap(old, new uint32) (swapped bool) {
	if on.Load() != 0 {
		return casAt(&x.v, old, new)
	}
	return atomic.CompareAndSwapUint32(&x.v, old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint32) Add(delta uint32) (new uint32) {
	if on.Load() != 0 {
		return addAt(&x.v, delta)
	}
	return atomic.AddUint32(&x.v, delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) And(mask uint32) (old uint32) {
	if on.Load() != 0 {
		return andAt(&x.v, mask)
	}
	return atomic.AndUint32(&x.v, mask)
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint32) Or(mask uint32) (old uint32) {
	if on.Load() != 0 {
		return orAt(&x.v, mask)
	}
	return atomic.OrUint32(&x.v, mask)
}

// Uint64 is an atomic uint64 whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Uint64 struct {
	_ noCopy
	_ [0]atomic.Int64 // 64-bit aligned, like atomic.Uint64
	v uint64
}

// Load atomically loads and returns the value stored in x.
func (x *Uint64) Load() uint64 {
	if on.Load() != 0 {
		return loadAt(&x.v)
	}
	return atomic.LoadUint64(&x.v)
}

// Store atomically stores val into x.
func (x *Uint64) Store(val uint64) {
	if on.Load() != 0 {
		storeAt(&x.v, val)
		return
	}
	atomic.StoreUint64(&x.v, val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uint64) Swap(new uint64) (old uint64) {
	if on.Load() != 0 {
		return swapAt(&x.v, new)
	}
	return atomic.SwapUint64(&x.v, new)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint64) CompareAndSwap(old, new uint64) (swapped bool) {
	if on.Load() != 0 {
		return casAt(&x.v, old, new)
	}
	return atomic.CompareAndSwapUint64(&x.v, old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uint64) Add(delta uint64) (new uint64) {
	if on.Load() != 0 {
		return addAt(&x.v, delta)
	}
	return atomic.AddUint64(&x.v, delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) And(mask uint64) (old uint64) {
	if on.Load() != 0 {
		return andAt(&x.v, mask)
	}
	return atomic.AndUint64(&x.v, mask)
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) Or(mask uint64) (old uint64) {
	if on.Load() != 0 {
		return orAt(&x.v, mask)
	}
	return atomic.OrUint64(&x.v, mask)
}

// Uintptr is an atomic uintptr whose operations are scheduling points in a
// controlled run. The zero value is zero. It must not be copied after
// first use.
type Uintptr struct {
	_ noCopy
	v uintptr
}

// Load atomically loads and returns the value stored in x.
func (x *Uintptr) Load() uintptr {
	if on.Load() != 0 {
		return loadAt(&x.v)
	}
	return atomic.LoadUintptr(&x.v)
}

// Store atomically stores val into x.
func (x *Uintptr) Store(val uintptr) {
	if on.Load() != 0 {
		storeAt(&x.v, val)
		return
	}
	atomic.StoreUintptr(&x.v, val)
}

// Swap atomically stores new into x and returns the previous value.
func (x *Uintptr) Swap(new uintptr) (old uintptr) {
	if on.Load() != 0 {
		return swapAt(&x.v, new)
	}
	return atomic.SwapUintptr(&x.v, new)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uintptr) CompareAndSwap(old, new uintptr) (swapped bool) {
	if on.Load() != 0 {
		return casAt(&x.v, old, new)
	}
	return atomic.CompareAndSwapUintptr(&x.v, old, new)
}

// Add atomically adds delta to x and returns the new value.
func (x *Uintptr) Add(delta uintptr) (new uintptr) {
	if on.Load() != 0 {
		return addAt(&x.v, delta)
	}
	return atomic.AddUintptr(&x.v, delta)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) And(mask uintptr) (old uintptr) {
	if on.Load() != 0 {
		return andAt(&x.v, mask)
	}
	return atomic.AndUintptr(&x.v, mask)
}

// Or atomically performs a bitwise OR operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uintptr) Or(mask uintptr) (old uintptr) {
	if on.Load() != 0 {
		return orAt(&x.v, mask)
	}
	return atomic.OrUintptr(&x.v, mask)
}
