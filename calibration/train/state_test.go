package train

import (
	"errors"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

// A run stopped after an epoch and restored into a fresh trainer and
// stack ends with the weights of the run that never stopped.
func TestRestoreGivesSameWeights(t *testing.T) {
	for _, opt := range []string{"adam", "sgd"} {
		data := bars(200, 5)
		cfg := func() Config {
			o, _ := NewOptimizer(opt, 0)
			drop := make([]float32, 7)
			drop[2] = 0.1
			return Config{Epochs: 4, BatchSize: 16, Seed: 5, Threads: 2, Dropout: drop, Optimizer: o, LRDecay: 0.8}
		}
		whole := smallNet(5)
		tr, err := New(&whole, cfg())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Fit(data); err != nil {
			t.Fatal(err)
		}

		part := smallNet(5)
		c := cfg()
		var saved State
		var weights nn.Stack
		stop := errors.New("stop")
		c.AfterEpoch = func(ep int, _ EpochResult) error {
			if ep < 2 {
				return nil
			}
			var err error
			if saved, err = tr.State(); err != nil {
				return err
			}
			weights = cloneStack(part)
			return stop
		}
		tr, err = New(&part, c)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := tr.Fit(data); !errors.Is(err, stop) || len(res) != 2 {
			t.Fatalf("%s: stopped run: %d epochs, %v", opt, len(res), err)
		}

		rest := weights
		tr, err = New(&rest, cfg())
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Restore(saved); err != nil {
			t.Fatal(err)
		}
		res, err := tr.Fit(data)
		if err != nil || len(res) != 2 {
			t.Fatalf("%s: resumed run: %d epochs, %v", opt, len(res), err)
		}
		for i := range whole.Layers {
			if !slices.Equal(whole.Layers[i].W, rest.Layers[i].W) || !slices.Equal(whole.Layers[i].B, rest.Layers[i].B) {
				t.Fatalf("%s: layer %d differs after resuming", opt, i)
			}
		}
	}
}

func TestRestoreRejectsBadState(t *testing.T) {
	s := smallNet(1)
	tr, err := New(&s, Config{Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Restore(State{Epoch: 3}); err == nil {
		t.Error("state past the last epoch accepted")
	}
	if err := tr.Restore(State{Epoch: 1, Opt: []byte("junk")}); err == nil {
		t.Error("junk optimiser state accepted")
	}
}

func cloneStack(s nn.Stack) nn.Stack {
	out := nn.Stack{In: s.In, Layers: slices.Clone(s.Layers)}
	for i := range out.Layers {
		out.Layers[i].W = slices.Clone(out.Layers[i].W)
		out.Layers[i].B = slices.Clone(out.Layers[i].B)
	}
	return out
}
