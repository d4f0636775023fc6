// Package testbin gives tests the sliced binary to run: the one `make test`
// built once for the whole run (named by an environment variable), or,
// when a test runs alone, one it builds itself, once per test process.
//
// A build is never under a deadline: a cold build cache on a busy machine
// takes minutes, and only the program under test should be bounded.
package testbin
