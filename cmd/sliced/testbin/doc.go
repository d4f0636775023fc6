// Package testbin gives tests the sliced binary to run: the one `make test`
// built once for the whole run (named by an environment variable), or,
// when a test runs alone, one it builds itself, once per test process.
//
//	SLICED_TEST_BIN        this machine's build (Options{})
//	SLICED_TEST_ARM64_BIN  the static linux/arm64 build (Options{GOARCH: "arm64"})
//
// A path in these variables must be absolute. Builds with tags or the race
// detector have no variable and are always made here. A build is never under
// a deadline: a cold build cache on a busy machine takes minutes, and only the
// program under test should be bounded. A package that calls Sliced calls Main
// from its TestMain, which removes what was built when the tests are done.
package testbin
