// Package unsupported uses what interleave test cannot put under the
// scheduler yet: it must say so before the tests run.
package unsupported

import "time"

// Wait sleeps for d, then reports on done.
func Wait(d time.Duration, done chan<- bool) {
	time.Sleep(d)
	done <- true
}
