package sched

import (
	"sync/atomic"
	"unsafe"
)

// The function forms of sync/atomic, on plain words. Each is recorded as
// an event on the word's address, which is also the variable of the
// integer types (an Int64 at that address is the same variable).

// AddInt32 atomically adds delta to *addr and returns the new value, like
// atomic.AddInt32.
func AddInt32(addr *int32, delta int32) (new int32) {
	if on.Load() != 0 {
		return addAt(addr, delta)
	}
	return atomic.AddInt32(addr, delta)
}

// AndInt32 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.AndInt32.
func AndInt32(addr *int32, mask int32) (old int32) {
	if on.Load() != 0 {
		return andAt(addr, mask)
	}
	return atomic.AndInt32(addr, mask)
}

// OrInt32 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.OrInt32.
func OrInt32(addr *int32, mask int32) (old int32) {
	if on.Load() != 0 {
		return orAt(addr, mask)
	}
	return atomic.OrInt32(addr, mask)
}

// LoadInt32 atomically loads *addr, like atomic.LoadInt32.
func LoadInt32(addr *int32) (val int32) {
	if on.Load() != 0 {
		return loadAt(addr)
	}
	return atomic.LoadInt32(addr)
}

// StoreInt32 atomically stores val into *addr, like atomic.StoreInt32.
func StoreInt32(addr *int32, val int32) {
	if on.Load() != 0 {
		storeAt(addr, val)
		return
	}
	atomic.StoreInt32(addr, val)
}

// SwapInt32 atomically stores new into *addr and returns the previous
// value, like atomic.SwapInt32.
func SwapInt32(addr *int32, new int32) (old int32) {
	if on.Load() != 0 {
		return swapAt(addr, new)
	}
	return atomic.SwapInt32(addr, new)
}

// CompareAndSwapInt32 executes the compare-and-swap operation for a int32
// value, like atomic.CompareAndSwapInt32.
func CompareAndSwapInt32(addr *int32, old, new int32) (swapped bool) {
	if on.Load() != 0 {
		return casAt(addr, old, new)
	}
	return atomic.CompareAndSwapInt32(addr, old, new)
}

// AddInt64 atomically adds delta to *addr and returns the new value, like
// atomic.AddInt64.
func AddInt64(addr *int64, delta int64) (new int64) {
	if on.Load() != 0 {
		return addAt(addr, delta)
	}
	return atomic.AddInt64(addr, delta)
}

// AndInt64 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.AndInt64.
func AndInt64(addr *int64, mask int64) (old int64) {
	if on.Load() != 0 {
		return andAt(addr, mask)
	}
	return atomic.AndInt64(addr, mask)
}

// OrInt64 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.OrInt64.
func OrInt64(addr *int64, mask int64) (old int64) {
	if on.Load() != 0 {
		return orAt(addr, mask)
	}
	return atomic.OrInt64(addr, mask)
}

// LoadInt64 atomically loads *addr, like atomic.LoadInt64.
func LoadInt64(addr *int64) (val int64) {
	if on.Load() != 0 {
		return loadAt(addr)
	}
	return atomic.LoadInt64(addr)
}

// StoreInt64 atomically stores val into *addr, like atomic.StoreInt64.
func StoreInt64(addr *int64, val int64) {
	if on.Load() != 0 {
		storeAt(addr, val)
		return
	}
	atomic.StoreInt64(addr, val)
}

// SwapInt64 atomically stores new into *addr and returns the previous
// value, like atomic.SwapInt64.
func SwapInt64(addr *int64, new int64) (old int64) {
	if on.Load() != 0 {
		return swapAt(addr, new)
	}
	return atomic.SwapInt64(addr, new)
}

// CompareAndSwapInt64 executes the compare-and-swap operation for a int64
// value, like atomic.CompareAndSwapInt64.
func CompareAndSwapInt64(addr *int64, old, new int64) (swapped bool) {
	if on.Load() != 0 {
		return casAt(addr, old, new)
	}
	return atomic.CompareAndSwapInt64(addr, old, new)
}

// AddUint32 atomically adds delta to *addr and returns the new value, like
// atomic.AddUint32.
func AddUint32(addr *uint32, delta uint32) (new uint32) {
	if on.Load() != 0 {
		return addAt(addr, delta)
	}
	return atomic.AddUint32(addr, delta)
}

// AndUint32 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.AndUint32.
func AndUint32(addr *uint32, mask uint32) (old uint32) {
	if on.Load() != 0 {
		return andAt(addr, mask)
	}
	return atomic.AndUint32(addr, mask)
}

// OrUint32 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.OrUint32.
func OrUint32(addr *uint32, mask uint32) (old uint32) {
	if on.Load() != 0 {
		return orAt(addr, mask)
	}
	return atomic.OrUint32(addr, mask)
}

// LoadUint32 atomically loads *addr, like atomic.LoadUint32.
func LoadUint32(addr *uint32) (val uint32) {
	if on.Load() != 0 {
		return loadAt(addr)
	}
	return atomic.LoadUint32(addr)
}

// StoreUint32 atomically stores val into *addr, like atomic.StoreUint32.
func StoreUint32(addr *uint32, val uint32) {
	if on.Load() != 0 {
		storeAt(addr, val)
		return
	}
	atomic.StoreUint32(addr, val)
}

// SwapUint32 atomically stores new into *addr and returns the previous
// value, like atomic.SwapUint32.
func SwapUint32(addr *uint32, new uint32) (old uint32) {
	if on.Load() != 0 {
		return swapAt(addr, new)
	}
	return atomic.SwapUint32(addr, new)
}

// CompareAndSwapUint32 executes the compare-and-swap operation for a uint32
// value, like atomic.CompareAndSwapUint32.
func CompareAndSwapUint32(addr *uint32, old, new uint32) (swapped bool) {
	if on.Load() != 0 {
		return casAt(addr, old, new)
	}
	return atomic.CompareAndSwapUint32(addr, old, new)
}

// AddUint64 atomically adds delta to *addr and returns the new value, like
// atomic.AddUint64.
func AddUint64(addr *uint64, delta uint64) (new uint64) {
	if on.Load() != 0 {
		return addAt(addr, delta)
	}
	return atomic.AddUint64(addr, delta)
}

// AndUint64 atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.AndUint64.
func AndUint64(addr *uint64, mask uint64) (old uint64) {
	if on.Load() != 0 {
		return andAt(addr, mask)
	}
	return atomic.AndUint64(addr, mask)
}

// OrUint64 atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.OrUint64.
func OrUint64(addr *uint64, mask uint64) (old uint64) {
	if on.Load() != 0 {
		return orAt(addr, mask)
	}
	return atomic.OrUint64(addr, mask)
}

// LoadUint64 atomically loads *addr, like atomic.LoadUint64.
func LoadUint64(addr *uint64) (val uint64) {
	if on.Load() != 0 {
		return loadAt(addr)
	}
	return atomic.LoadUint64(addr)
}

// StoreUint64 atomically stores val into *addr, like atomic.StoreUint64.
func StoreUint64(addr *uint64, val uint64) {
	if on.Load() != 0 {
		storeAt(addr, val)
		return
	}
	atomic.StoreUint64(addr, val)
}

// SwapUint64 atomically stores new into *addr and returns the previous
// value, like atomic.SwapUint64.
func SwapUint64(addr *uint64, new uint64) (old uint64) {
	if on.Load() != 0 {
		return swapAt(addr, new)
	}
	return atomic.SwapUint64(addr, new)
}

// CompareAndSwapUint64 executes the compare-and-swap operation for a uint64
// value, like atomic.CompareAndSwapUint64.
func CompareAndSwapUint64(addr *uint64, old, new uint64) (swapped bool) {
	if on.Load() != 0 {
		return casAt(addr, old, new)
	}
	return atomic.CompareAndSwapUint64(addr, old, new)
}

// AddUintptr atomically adds delta to *addr and returns the new value, like
// atomic.AddUintptr.
func AddUintptr(addr *uintptr, delta uintptr) (new uintptr) {
	if on.Load() != 0 {
		return addAt(addr, delta)
	}
	return atomic.AddUintptr(addr, delta)
}

// AndUintptr atomically performs a bitwise AND operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.AndUintptr.
func AndUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	if on.Load() != 0 {
		return andAt(addr, mask)
	}
	return atomic.AndUintptr(addr, mask)
}

// OrUintptr atomically performs a bitwise OR operation on *addr using the
// bitmask provided as mask and returns the old value, like atomic.OrUintptr.
func OrUintptr(addr *uintptr, mask uintptr) (old uintptr) {
	if on.Load() != 0 {
		return orAt(addr, mask)
	}
	return atomic.OrUintptr(addr, mask)
}

// LoadUintptr atomically loads *addr, like atomic.LoadUintptr.
func LoadUintptr(addr *uintptr) (val uintptr) {
	if on.Load() != 0 {
		return loadAt(addr)
	}
	return atomic.LoadUintptr(addr)
}

// StoreUintptr atomically stores val into *addr, like atomic.StoreUintptr.
func StoreUintptr(addr *uintptr, val uintptr) {
	if on.Load() != 0 {
		storeAt(addr, val)
		return
	}
	atomic.StoreUintptr(addr, val)
}

// SwapUintptr atomically stores new into *addr and returns the previous
// value, like atomic.SwapUintptr.
func SwapUintptr(addr *uintptr, new uintptr) (old uintptr) {
	if on.Load() != 0 {
		return swapAt(addr, new)
	}
	return atomic.SwapUintptr(addr, new)
}

// CompareAndSwapUintptr executes the compare-and-swap operation for a uintptr
// value, like atomic.CompareAndSwapUintptr.
func CompareAndSwapUintptr(addr *uintptr, old, new uintptr) (swapped bool) {
	if on.Load() != 0 {
		return casAt(addr, old, new)
	}
	return atomic.CompareAndSwapUintptr(addr, old, new)
}

// LoadPointer atomically loads *addr, like atomic.LoadPointer.
func LoadPointer(addr *unsafe.Pointer) (val unsafe.Pointer) {
	if on.Load() != 0 {
		return loadPointerAt(addr)
	}
	return atomic.LoadPointer(addr)
}

// StorePointer atomically stores val into *addr, like atomic.StorePointer.
func StorePointer(addr *unsafe.Pointer, val unsafe.Pointer) {
	if on.Load() != 0 {
		storePointerAt(addr, val)
		return
	}
	atomic.StorePointer(addr, val)
}

// SwapPointer atomically stores new into *addr and returns the previous
// value, like atomic.SwapPointer.
func SwapPointer(addr *unsafe.Pointer, new unsafe.Pointer) (old unsafe.Pointer) {
	if on.Load() != 0 {
		return swapPointerAt(addr, new)
	}
	return atomic.SwapPointer(addr, new)
}

// CompareAndSwapPointer executes the compare-and-swap operation for an
// unsafe.Pointer value, like atomic.CompareAndSwapPointer.
func CompareAndSwapPointer(addr *unsafe.Pointer, old, new unsafe.Pointer) (swapped bool) {
	if on.Load() != 0 {
		return casPointerAt(addr, old, new)
	}
	return atomic.CompareAndSwapPointer(addr, old, new)
}
