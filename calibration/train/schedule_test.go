package train

import (
	"slices"
	"testing"
)

// recorder is an Adam that notes the learning rate of every step.
type recorder struct {
	*Adam
	seen []float64
}

func (r *recorder) Step(p, g [][]float32) {
	if len(r.seen) == 0 || r.seen[len(r.seen)-1] != r.LR {
		r.seen = append(r.seen, r.LR)
	}
	r.Adam.Step(p, g)
}

func TestLRDecayPerEpoch(t *testing.T) {
	s := smallNet(1)
	opt := &recorder{Adam: NewAdam(0.008)}
	tr, err := New(&s, Config{Epochs: 3, BatchSize: 32, Optimizer: opt, LRDecay: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Fit(bars(64, 1)); err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.008, 0.004, 0.002}; !slices.Equal(opt.seen, want) {
		t.Errorf("learning rates %v, want %v", opt.seen, want)
	}
	if opt.LR != 0.008 {
		t.Errorf("learning rate left at %v after Fit", opt.LR)
	}
	if _, err := New(&s, Config{LRDecay: 1.5}); err == nil {
		t.Error("decay 1.5 accepted")
	}
}
