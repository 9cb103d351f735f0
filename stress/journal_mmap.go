//go:build linux || darwin

package stress

import (
	"os"
	"syscall"
)

// mapJournal maps a page of the journal file into memory, shared, so
// that a record is a copy into memory, not a system call; nil if it
// cannot.
func mapJournal(f *os.File) []byte {
	const size = 4096
	if f.Truncate(size) != nil {
		return nil
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return mem
}
