// Package instrument prepares the instrumented build of packages under
// test: it loads them with the go command, rewrites the files of the
// packages to instrument (see package rewrite) into a cache directory,
// and writes the -overlay file that makes the go command compile the
// rewritten files in place of the originals.
//
// The cache is keyed by a hash of everything the rewrite depends on: the
// contents of the files it rewrites, the versions of the modules they
// build with, the Go version and the rewriter's own binary. A second
// run over unchanged packages lists the packages (one go list), hashes
// their files and reuses the overlay.
package instrument
