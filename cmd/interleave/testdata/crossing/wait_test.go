package crossing

import (
	"context"
	"testing"

	"github.com/interleave-go/interleave/stress"
)

var _ = stress.Test[int, int, int] // the package is tested with interleave

func TestWait(t *testing.T) {
	v := make(chan int, 1)
	v <- 3
	if x, ok := Wait(context.Background(), v); !ok || x != 3 {
		t.Fatalf("Wait = %d, %v", x, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if x, ok := Wait(ctx, make(chan int)); ok {
		t.Fatalf("Wait after cancel = %d, %v", x, ok)
	}
}
