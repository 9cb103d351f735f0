// Package unsupported uses what interleave test cannot put under the
// scheduler yet: it must say so before the tests run.
package unsupported

import "time"

// Wait reports on done after d.
func Wait(d time.Duration, done chan<- bool) {
	go func() {
		time.Sleep(d)
		done <- true
	}()
}
