package models

import (
	"testing"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
)

// TestInt8ConvOnMNIST measures the int8 convolution against float32 on
// the 10,000 MNIST test digits, for the default engine and the full CNN:
// accuracy both ways (unknown answers counted wrong for the sliced
// engine) and how many answers (label, known) changed, with every conv
// layer in int8 and with conv1 kept in float32.
func TestInt8ConvOnMNIST(t *testing.T) {
	if !gemm.HasQConv() {
		t.Skip("no AVX512-VNNI or dot product here: the int8 convolution does not run")
	}
	test := mnistTest(t)
	for _, load := range []struct {
		name string
		open func() (*engine.Engine, error)
	}{{"default", Default}, {"fullcnn-b64", FullCNNEngine}} {
		e, err := load.open()
		if err != nil {
			t.Fatal(err)
		}
		run := func(opt nn.Options) (answers []int, right int) {
			s, err := e.NewSessionOptions(opt)
			if err != nil {
				t.Fatal(err)
			}
			answers = make([]int, test.Len())
			for i := range answers {
				p, err := s.Classify(test.Image(i))
				if err != nil {
					t.Fatal(err)
				}
				answers[i] = p.Label
				if !p.Known {
					answers[i] = -1 - p.Label
				}
				if answers[i] == test.Labels[i] {
					right++
				}
			}
			return answers, right
		}
		base, baseRight := run(nn.Options{})
		for _, minCh := range []int{0, 2} {
			s, err := e.NewSessionOptions(nn.Options{Conv: nn.ConvInt8, MinChannels: minCh})
			if err != nil {
				t.Fatal(err)
			}
			algos := s.ConvAlgos()
			got, right := run(nn.Options{Conv: nn.ConvInt8, MinChannels: minCh})
			changed := 0
			for i := range got {
				if got[i] != base[i] {
					changed++
				}
			}
			t.Logf("%s, conv layers %s: %.2f %% right (float32 %.2f %%), %d of %d answers changed",
				load.name, algos, 100*float64(right)/float64(len(got)), 100*float64(baseRight)/float64(len(got)), changed, len(got))
			// 8-bit codes on both sides of the products: a few answers
			// near a decision change, the accuracy hardly.
			if right < baseRight-len(got)/500 || changed > len(got)/100 {
				t.Errorf("%s: int8 %d right against %d, %d answers changed", load.name, right, baseRight, changed)
			}
		}
	}
}
