//go:build !race

// Package race reports whether the race detector is compiled in.
package race

// Enabled is true when the binary was built with -race.
const Enabled = false
