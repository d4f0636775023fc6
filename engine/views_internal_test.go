package engine

import (
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

// A shift moves every pixel and fills the new edge with the value blank
// ground normalises to.
func TestShiftFillsBlank(t *testing.T) {
	e := &Engine{Stack: nn.Stack{In: nn.Shape{C: 1, H: 3, W: 4}}, Prep: Preprocess{Mean: []float32{0.5}, Scale: []float32{2}}}
	s := &Session{e: e}
	in := []float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
	}
	out := make([]float32, len(in))
	s.shift(out, in, 1, -1)
	want := []float32{
		-1, 5, 6, 7,
		-1, 9, 10, 11,
		-1, -1, -1, -1,
	}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("shifted %v, want %v", out, want)
		}
	}
}
