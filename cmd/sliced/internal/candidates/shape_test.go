package candidates

import (
	"bytes"
	"image/png"
	"slices"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// A candidate of an RGB engine keeps its input shape, shows its colours
// in the thumbnail (normalisation undone) and survives a restart; an
// input of another shape than the engine's is refused.
func TestCandidateOfAnRGBEngine(t *testing.T) {
	e := &engine.Engine{Stack: nn.Stack{In: nn.Shape{C: 3, H: 8, W: 6}},
		Prep: engine.Preprocess{Mode: engine.PrepROI, Mean: []float32{0.5}, Scale: []float32{2}}}
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 4, Below: 0.5, Engine: func() *engine.Engine { return e }})
	in := make([]float32, 3*8*6)
	for i := range in {
		if i < 48 {
			in[i] = 1 // red plane at 1 after (v-0.5)*2: v = 1
		} else {
			in[i] = -1 // green and blue at 0
		}
	}
	id, err := k.Offer(Frame{Time: time.Unix(5, 0), Source: "cam/door", Answer: Answer{Class: "unknown"}, Input: in})
	if err != nil || id == "" {
		t.Fatalf("offer: %q %v", id, err)
	}
	if _, err := k.Offer(Frame{Source: "cam", Answer: Answer{Class: "unknown"}, Input: input(1)}); err == nil {
		t.Error("a 1x28x28 input was kept for a 3x8x6 engine")
	}
	k2 := open(t, dir, Options{Keep: 4, Engine: func() *engine.Engine { return e }})
	c, ok := k2.Get(id)
	if !ok {
		t.Fatal("the candidate did not survive a restart")
	}
	if c.InputShape() != e.Stack.In || !slices.Equal(c.Input, in) {
		t.Fatalf("reloaded shape %v, input equal %v", c.InputShape(), slices.Equal(c.Input, in))
	}
	m, err := png.Decode(bytes.NewReader(c.Thumbnail))
	if err != nil {
		t.Fatal(err)
	}
	if b := m.Bounds(); b.Dx() != 6*ThumbScale || b.Dy() != 8*ThumbScale {
		t.Errorf("thumbnail %v, want %dx%d", b, 6*ThumbScale, 8*ThumbScale)
	}
	if r, g, b, _ := m.At(1, 1).RGBA(); r>>8 != 255 || g>>8 != 0 || b>>8 != 0 {
		t.Errorf("thumbnail pixel %d,%d,%d, want red", r>>8, g>>8, b>>8)
	}
}
