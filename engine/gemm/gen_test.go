package gemm

import (
	"os"
	"runtime"
	"testing"

	"github.com/sliced-ai/sliced/engine/gemm/internal/gen"
)

// TestGeneratedUpToDate fails when the committed assembly differs from
// what the generator writes: edit the generator, never the .s files.
func TestGeneratedUpToDate(t *testing.T) {
	for name, want := range gen.Files() {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from its generator: run go generate ./engine/gemm", name)
		}
	}
}

// The input kernels' scratch after V is the size the generator writes
// to.
func TestWino4Scratch(t *testing.T) {
	want := map[string]int{"amd64": gen.Wino4AVX2Scratch, "arm64": gen.Wino4NEONScratch}[runtime.GOARCH]
	if len(wino4Sets()) > 0 && wino4Scratch != want {
		t.Errorf("wino4Scratch %d, the generator's %d", wino4Scratch, want)
	}
}
