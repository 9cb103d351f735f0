package notify

import (
	"context"
	"testing"

	"github.com/interleave-go/interleave/stress"
)

var _ = stress.Test[int, int, int] // the package is tested with interleave

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Interrupted(ctx) {
		t.Fatal("an interrupt nobody sent")
	}
}
