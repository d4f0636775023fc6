package gemm

import (
	"os"
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
