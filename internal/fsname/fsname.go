// Package fsname makes file names out of test names.
package fsname

import "regexp"

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Safe keeps letters, digits, dashes and underscores, and turns each run
// of other characters (a subtest's slash, a space) into one underscore,
// so that a test name makes a portable file name.
func Safe(s string) string { return unsafe.ReplaceAllString(s, "_") }
