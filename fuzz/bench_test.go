package fuzz_test

import (
	"testing"
)

// BenchmarkFuzzInput measures one input of each target, the correct
// variant, as the fuzzer runs it: decoding the scenario and its schedule
// from the bytes, the execution and its check. The inputs are the
// target's own random seeds. inputs/s = 1e9 / ns/op, per worker.
func BenchmarkFuzzInput(b *testing.B) {
	for _, subject := range []string{"counter", "stack", "limiter", "pool"} {
		b.Run(subject, func(b *testing.B) {
			e, err := entry(subject, "")
			if err != nil {
				b.Fatal(err)
			}
			fuzz, inputs := e.Fuzz(), seeds(subject)
			// The body wants the *testing.T the fuzzer gives it: run
			// the loop as a test of its own.
			ok := testing.RunTests(func(string, string) (bool, error) { return true, nil }, []testing.InternalTest{{
				Name: "BenchmarkFuzzInput/" + subject,
				F: func(t *testing.T) {
					b.ResetTimer()
					for i := 0; b.Loop(); i++ {
						fuzz(t, inputs[i%len(inputs)])
					}
				},
			}})
			if !ok {
				b.Fatal("an input failed")
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
		})
	}
}
