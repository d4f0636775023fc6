package synth

import (
	"flag"
	"testing"
)

var evalFrames = flag.Int("synth.frames", 200, "camera-like frames for TestPreprocessQuality")

// TestPreprocessQuality measures preprocessing before a trained engine
// exists: a raw-pixel 3-NN over 10,000 MNIST training digits classifies
// camera-like frames made from test digits, and the clean test digits
// themselves. Run with -synth.frames 1000 for the full measurement.
func TestPreprocessQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and classifies hundreds of frames")
	}
	train, test := testDigits(t)
	knn := newRawKNN(train, 10000, 3)
	r, err := Evaluate(test.Images, test.Labels, *evalFrames, 1, DefaultOptions(), knn.classify)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Frames != *evalFrames {
		t.Fatalf("%d frames evaluated, want %d", r.Frames, *evalFrames)
	}
	// Raw-pixel 3-NN reaches about 93-95 % on clean digits; camera frames
	// must keep at least 97 % of that and leave none empty (measured: the
	// frames score as well as the clean digits).
	if r.Relative() < 0.97 || r.Empty > 0 {
		t.Errorf("camera frames: %v", r)
	}
	if r.MeanAbsDiff > 0.07 {
		t.Errorf("preprocessed frames differ from the clean digits by %.3f per pixel", r.MeanAbsDiff)
	}
}
