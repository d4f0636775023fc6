package models

import (
	"flag"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// mnistImages is how many MNIST test images the label tests run: all by
// default, fewer under emulation (TestUnderQEMU).
var mnistImages = flag.Int("mnist-images", 10000, "MNIST test images the Winograd and int8 label tests run")

// mnistTest is the first mnistImages MNIST test images.
func mnistTest(t *testing.T) *dataset.Set {
	t.Helper()
	if testing.Short() {
		t.Skip("10,000 images")
	}
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	if n := *mnistImages; n < test.Len() {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		test = test.Pick(idx)
	}
	return test
}

// TestWinogradSameLabels runs the 10,000 MNIST test digits through the
// default engine and the full CNN with every 3x3 conv of 8 or more input
// channels direct and then Winograd: every label must be the same.
func TestWinogradSameLabels(t *testing.T) {
	test := mnistTest(t)
	for _, load := range []struct {
		name string
		open func() (*engine.Engine, error)
	}{{"default", Default}, {"fullcnn-b64", FullCNNEngine}} {
		e, err := load.open()
		if err != nil {
			t.Fatal(err)
		}
		// A label, or -1 - label for an unknown answer.
		labels := func(opt nn.Options) []int {
			s, err := e.NewSessionOptions(opt)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]int, test.Len())
			for i := range out {
				p, err := s.Classify(test.Image(i))
				if err != nil {
					t.Fatal(err)
				}
				out[i] = p.Label
				if !p.Known {
					out[i] = -1 - p.Label
				}
			}
			return out
		}
		direct := labels(nn.Options{Conv: nn.ConvDirect})
		// ConvAuto is what a session runs by default: F(4,3) on the
		// vector kernels where they run.
		for _, algo := range []nn.ConvAlgo{nn.ConvWinograd2, nn.ConvWinograd4, nn.ConvAuto} {
			got := labels(nn.Options{Conv: algo, MinChannels: 8})
			diff := 0
			for i := range got {
				if got[i] != direct[i] {
					diff++
				}
			}
			if diff != 0 {
				t.Errorf("%s with %v: %d of %d answers (label, known) differ from direct", load.name, algo, diff, len(got))
			} else {
				t.Logf("%s with %v: all %d answers (label, known) as direct", load.name, algo, len(got))
			}
		}
	}
}
