package train

import (
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// bars is a 1x8x8 set of three classes: a bright horizontal bar, a
// vertical bar, or a diagonal, at random positions, with noise.
func bars(n int, seed uint64) *dataset.Set {
	s := &dataset.Set{Shape: nn.Shape{C: 1, H: 8, W: 8}, Classes: []string{"h", "v", "d"}}
	r := newFastRand(seed)
	for i := range n {
		img := make([]float32, 64)
		for j := range img {
			img[j] = 0.2 * r.float32()
		}
		c := i % 3
		p := int(r.next() % 6)
		for j := 1; j < 7; j++ {
			switch c {
			case 0:
				img[p*8+j] = 1
			case 1:
				img[j*8+p] = 1
			case 2:
				img[j*8+j] = 1
			}
		}
		s.Images = append(s.Images, img...)
		s.Labels = append(s.Labels, c)
	}
	return s
}

func smallNet(seed uint64) nn.Stack {
	s := nn.Stack{In: nn.Shape{C: 1, H: 8, W: 8}, Layers: []nn.Layer{
		{Op: nn.OpConv, Out: 4, Size: 3, W: make([]float32, 4*9), B: make([]float32, 4)},
		{Op: nn.OpReLU},
		{Op: nn.OpMaxPool, Size: 2},
		{Op: nn.OpDense, Out: 16, W: make([]float32, 16*36), B: make([]float32, 16)},
		{Op: nn.OpReLU},
		{Op: nn.OpDense, Out: 3, W: make([]float32, 3*16), B: make([]float32, 3)},
		{Op: nn.OpSoftmax},
	}}
	Init(&s, seed, He)
	return s
}

func fit(t *testing.T, seed uint64, threads int, opt Optimizer) (nn.Stack, []EpochResult) {
	t.Helper()
	s := smallNet(seed)
	drop := make([]float32, len(s.Layers))
	drop[2], drop[4] = 0.1, 0.2
	tr, err := New(&s, Config{Epochs: 10, BatchSize: 16, Seed: seed, Threads: threads, Dropout: drop, Optimizer: opt, Validation: bars(60, 99)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Fit(bars(300, seed))
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

func TestTrainingLearns(t *testing.T) {
	for _, opt := range []string{"adam", "sgd"} {
		o, _ := NewOptimizer(opt, 0)
		s, res := fit(t, 1, 2, o)
		last := res[len(res)-1]
		if last.Loss >= res[0].Loss || last.ValAccuracy < 0.9 {
			t.Errorf("%s: loss %.3f -> %.3f, validation accuracy %.2f", opt, res[0].Loss, last.Loss, last.ValAccuracy)
		}
		acc, err := Accuracy(&s, bars(90, 7), 1)
		if err != nil || acc < 0.9 {
			t.Errorf("%s: held-out accuracy %.2f, %v", opt, acc, err)
		}
	}
}

func weights(s nn.Stack) []float32 {
	var w []float32
	for _, l := range s.Layers {
		w = append(w, l.W...)
		w = append(w, l.B...)
	}
	return w
}

func TestSameSeedSameWeights(t *testing.T) {
	a, _ := fit(t, 5, 2, nil)
	b, _ := fit(t, 5, 2, nil)
	if !slices.Equal(weights(a), weights(b)) {
		t.Error("two runs with the same seed and threads differ")
	}
	c, _ := fit(t, 6, 2, nil)
	if slices.Equal(weights(a), weights(c)) {
		t.Error("a different seed gave the same weights")
	}
}

func TestNewRejects(t *testing.T) {
	good := smallNet(1)
	noSoftmax := smallNet(1)
	noSoftmax.Layers = noSoftmax.Layers[:len(noSoftmax.Layers)-1]
	cases := map[string]struct {
		s    nn.Stack
		cfg  Config
		want string
	}{
		"no softmax":    {noSoftmax, Config{}, "softmax"},
		"bad batch":     {good, Config{BatchSize: -1}, "batch size"},
		"dropout count": {good, Config{Dropout: []float32{0.5}}, "dropout rates"},
		"dropout one":   {good, Config{Dropout: []float32{1, 0, 0, 0, 0, 0, 0}}, "dropout"},
		"empty":         {nn.Stack{In: good.In}, Config{}, "empty"},
	}
	for name, c := range cases {
		if _, err := New(&c.s, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", name, err, c.want)
		}
	}
	tr, _ := New(&good, Config{})
	if _, err := tr.Fit(&dataset.Set{Shape: nn.Shape{C: 1, H: 28, W: 28}}); err == nil {
		t.Error("images of the wrong shape accepted")
	}
	wrong := bars(3, 1)
	wrong.Labels[0] = 5
	if _, err := tr.Fit(wrong); err == nil {
		t.Error("label beyond the outputs accepted")
	}
}

func TestKerasDropout(t *testing.T) {
	a := models.FullCNN(models.A, 128, 10)
	d := KerasDropout(&a)
	want := make([]float32, len(a.Layers))
	want[4], want[6] = 0.25, 0.5 // after the pool, after the dense ReLU
	if !slices.Equal(d, want) {
		t.Errorf("A: %v, want %v", d, want)
	}
	b := models.FullCNN(models.B, 64, 10)
	want = make([]float32, len(b.Layers))
	want[5], want[7] = 0.25, 0.5
	if d := KerasDropout(&b); !slices.Equal(d, want) {
		t.Errorf("B: %v, want %v", d, want)
	}
}

func TestAdamMinimisesQuadratic(t *testing.T) {
	p := [][]float32{{3, -2}}
	g := [][]float32{{0, 0}}
	a := NewAdam(0.1)
	for range 500 {
		g[0][0], g[0][1] = 2*(p[0][0]-1), 2*(p[0][1]+1) // (x-1)^2 + (y+1)^2
		a.Step(p, g)
	}
	if d := max(abs32(p[0][0]-1), abs32(p[0][1]+1)); d > 1e-2 {
		t.Errorf("Adam ended at %v, want (1, -1)", p[0])
	}
	if _, err := NewOptimizer("rmsprop", 0); err == nil {
		t.Error("unknown optimiser accepted")
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
