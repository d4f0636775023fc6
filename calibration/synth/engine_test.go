package synth

import (
	"flag"
	"testing"

	"github.com/sliced-ai/sliced/engine"
)

var (
	engineFile   = flag.String("synth.engine", "../../models/mnist.slc", "engine file for TestEngineOnCameraFrames (default: the embedded default engine)")
	engineFrames = flag.Int("synth.engine-frames", 1000, "camera-like frames for TestEngineOnCameraFrames")
)

// TestEngineOnCameraFrames is the accuracy target of the sliced engine on
// camera-like frames: at least 97 % on 1,000 frames made from MNIST test
// digits (640x480, 3-10x, ±10°, noise, JPEG 60-95), through the same
// decode and preprocess steps as `sliced classify`.
//
//	go test ./calibration/synth -run TestEngineOnCameraFrames -v -synth.engine FILE
func TestEngineOnCameraFrames(t *testing.T) {
	if testing.Short() {
		t.Skip("classifies a thousand frames")
	}
	e, err := engine.Load(*engineFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	_, test := testDigits(t)
	var classifyErr error
	classify := func(x []float32) int {
		p, err := s.Classify(x)
		if err != nil && classifyErr == nil {
			classifyErr = err
		}
		return p.Label
	}
	r, err := Evaluate(test.Images, test.Labels, *engineFrames, 1, DefaultOptions(), classify)
	if err == nil {
		err = classifyErr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s (%s, topology %s): %v", *engineFile, e.Kind(), e.Topology, r)
	if r.Accuracy() < 0.97 {
		t.Errorf("accuracy on camera-like frames %.2f %%, want >= 97 %%", 100*r.Accuracy())
	}
}
