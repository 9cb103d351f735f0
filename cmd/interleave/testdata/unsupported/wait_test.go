package unsupported

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
)

var _ = stress.Test[int, int, int] // the package is tested with interleave

func TestWait(t *testing.T) {
	done := make(chan bool, 1)
	Wait(done)
	<-done
}
