package pool_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/specs"
)

// TestStress runs every pool variant with real goroutines in fake time:
// the exactly-once pool passes, the article's pool is caught losing
// accepted tasks, the leaky pool is caught leaving its workers behind.
func TestStress(t *testing.T) {
	for _, e := range specs.Subject("pool") {
		t.Run(e.Variant, func(t *testing.T) {
			specs.Verify(t, e, stress.Stress, stress.WithSeed(1))
		})
	}
}
