package synth

import (
	"bytes"
	"testing"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// The preprocessor finds the digit where the generator put it: its box
// lies inside the rotated digit square and is not much smaller than the
// digit's own ink.
func TestPreprocessLocatesDigit(t *testing.T) {
	_, test := testDigits(t)
	pre := preprocess.New()
	tensor := make([]float32, preprocess.Size*preprocess.Size)
	for i := 0; i < 30; i++ {
		f, data, err := Render(test.Image(i), test.Labels[i], FrameSeed(7, i), DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := imageio.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		info, err := pre.Image(tensor, img)
		if err != nil || info.Empty || !info.Inverted {
			t.Fatalf("frame %d: %+v %v", i, info, err)
		}
		if !info.Box.In(f.Box.Inset(-2)) {
			t.Errorf("frame %d: digit found at %v, drawn in %v", i, info.Box, f.Box)
		}
		// MNIST ink spans at least 4 of the 28 pixels on its long side
		// (a "1"); allow for rotation.
		if long := max(info.Box.Dx(), info.Box.Dy()); float64(long) < 0.5*float64(f.Box.Dx())*4/28 {
			t.Errorf("frame %d: digit box %v too small for a square of %v", i, info.Box, f.Box)
		}
		if info.Box.Dy() < f.Box.Dy()/3 {
			t.Errorf("frame %d: digit %v, only %d of %d pixels tall", i, info.Box, info.Box.Dy(), f.Box.Dy())
		}
	}
}
