package model_test

import (
	"testing"

	"github.com/interleave-go/interleave/linearize"
	"github.com/interleave-go/interleave/model"
)

// BenchmarkKVCheck checks one history of 8 threads x 50 operations over
// 4 keys from a mutex map, key by key.
func BenchmarkKVCheck(b *testing.B) {
	h := kvHistory(&mutexMap{m: map[string]int{}}, 8, 50, []string{"a", "b", "c", "d"}, 1)
	pm, err := model.KV().Porcupine()
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		if res, _ := linearize.Check(pm, h, linearize.Config{}); res.Verdict != linearize.Linearizable {
			b.Fatal(res.Verdict)
		}
	}
}
