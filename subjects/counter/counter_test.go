package counter_test

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
	"github.com/interleave-go/interleave/subjects/counter"
	"github.com/interleave-go/interleave/subjects/specs"
)

func TestStress(t *testing.T) {
	for _, v := range counter.Variants {
		t.Run(v.Name, func(t *testing.T) {
			f, err := stress.Find(t, specs.Counter(v), stress.WithMode(stress.Controlled), stress.WithSeed(1))
			if err != nil {
				t.Fatal(err)
			}
			if f != nil {
				t.Log(f.Report())
			}
		})
	}
}
