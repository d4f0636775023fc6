package buildtest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var (
	outDir   = flag.String("folder", "", "write the benchmark tree here (10 classes) and stop")
	perClass = flag.Int("per-class", 500, "images per class for -folder")
	size     = flag.Int("size", 40, "nominal image side for -folder")
)

// TestWriteFolder writes a small tree, or with -folder the benchmark one:
//
//	go test ./calibration/build/buildtest -run TestWriteFolder -args -folder /tmp/shapes
func TestWriteFolder(t *testing.T) {
	dir, o := t.TempDir(), Options{Classes: 3, PerClass: 4, Size: 24, Seed: 1}
	if *outDir != "" {
		dir, o = *outDir, Options{Classes: len(Shapes), PerClass: *perClass, Size: *size, Seed: 1}
	}
	if err := WriteFolder(dir, o); err != nil {
		t.Fatal(err)
	}
	for _, c := range Shapes[:o.Classes] {
		files, err := os.ReadDir(filepath.Join(dir, c))
		if err != nil || len(files) != o.PerClass {
			t.Fatalf("%s: %d files, %v", c, len(files), err)
		}
	}
	if err := WriteFolder(dir, Options{Classes: 11, PerClass: 1, Size: 24}); err == nil {
		t.Error("11 classes accepted")
	}
}
