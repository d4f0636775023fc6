//go:build race

package serve

import (
	"debug/buildinfo"
	"testing"
)

// raceBuild makes the end-to-end tests build the daemon with the race
// detector when they run under it.
func init() { raceBuild = true }

// The daemon the end-to-end tests run is built with the race detector too.
func TestDaemonBuiltWithRace(t *testing.T) {
	bin := binary(t, "")
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return
		}
	}
	t.Fatalf("%s is not built with -race: %v", bin, info.Settings)
}
