// Package cannot has a go statement the rewrite cannot evaluate early:
// the argument takes its type from the parameter.
package cannot

type flag bool

func set(f flag) {}

// Start starts set(a < b).
func Start(a, b int) {
	go set(a < b)
}
