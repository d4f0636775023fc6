//go:build race

package serve

// raceBuild makes the end-to-end tests build the daemon with the race
// detector when they run under it.
func init() { raceBuild = true }
