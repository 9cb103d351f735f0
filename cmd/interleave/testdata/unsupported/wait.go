// Package unsupported uses what interleave test cannot put under the
// scheduler yet: it must say so before the tests run.
package unsupported

import . "sync"

// Wait reports on done from a goroutine that takes a lock, named through
// a dot import, which the rewrite does not follow.
func Wait(done chan<- bool) {
	var mu Mutex
	go func() {
		mu.Lock()
		done <- true
		mu.Unlock()
	}()
}
