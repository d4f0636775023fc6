package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

// tinyStack exercises every layer kind: two input channels, a conv whose
// input gradient is needed, a pool with a dropped remainder, and a dense
// head.
func tinyStack(t *testing.T) *nn.Stack {
	s := &nn.Stack{In: nn.Shape{C: 2, H: 6, W: 6}, Layers: []nn.Layer{
		{Op: nn.OpConv, Out: 3, Size: 3, W: make([]float32, 3*2*9), B: make([]float32, 3)},
		{Op: nn.OpReLU},
		{Op: nn.OpConv, Out: 2, Size: 2, W: make([]float32, 2*3*4), B: make([]float32, 2)},
		{Op: nn.OpMaxPool, Size: 2},
		{Op: nn.OpDense, Out: 4, W: make([]float32, 4*2), B: make([]float32, 4)},
		{Op: nn.OpReLU},
		{Op: nn.OpDense, Out: 3, W: make([]float32, 3*4), B: make([]float32, 3)},
		{Op: nn.OpSoftmax},
	}}
	if err := Init(s, 3, He); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	for i := range s.Layers {
		for j := range s.Layers[i].B {
			s.Layers[i].B[j] = float32(r.NormFloat64() * 0.1)
		}
	}
	return s
}

// lossOf runs the images through w in training mode with fixed dropout
// masks and returns the mean cross-entropy.
func lossOf(w *worker, x []float32, labels []int) float64 {
	copy(w.acts[0], x)
	w.loss, w.correct = 0, 0
	w.forward(len(labels), true, fixedMasks)
	w.score(len(labels), labels)
	return w.loss / float64(len(labels))
}

func fixedMasks(layer, img int) *fastRand {
	r := newFastRand(99, uint64(layer), uint64(img))
	return &r
}

func TestGradientMatchesFiniteDifferences(t *testing.T) {
	for _, drop := range []bool{false, true} {
		s := tinyStack(t)
		shapes, _ := s.Shapes()
		rates := make([]float32, len(s.Layers))
		if drop {
			rates[3], rates[5] = 0.3, 0.3
		}
		const nb = 3
		w := newWorker(s, shapes, rates, nb)
		r := rand.New(rand.NewPCG(1, 2))
		x := make([]float32, nb*s.In.Len())
		for i := range x {
			x[i] = r.Float32()
		}
		labels := []int{0, 2, 1}
		w.zeroGrads()
		lossOf(w, x, labels)
		w.backward(nb, labels, 1.0/nb)
		checked := 0
		for li := range s.Layers {
			l := &s.Layers[li]
			for _, p := range []struct {
				name string
				v, g []float32
			}{{"W", l.W, w.dw[li]}, {"B", l.B, w.db[li]}} {
				for j := range p.v {
					const eps = 1e-2
					old := p.v[j]
					p.v[j] = old + eps
					up := lossOf(w, x, labels)
					p.v[j] = old - eps
					down := lossOf(w, x, labels)
					p.v[j] = old
					num := (up - down) / (2 * eps)
					got := float64(p.g[j])
					if math.Abs(num-got) > 2e-3+3e-2*math.Abs(num) {
						t.Errorf("dropout %v: layer %d %s[%d]: backprop %.5f, finite difference %.5f", drop, li, p.name, j, got, num)
					}
					checked++
				}
			}
		}
		if checked != s.Params() {
			t.Fatalf("checked %d of %d parameters", checked, s.Params())
		}
	}
}
