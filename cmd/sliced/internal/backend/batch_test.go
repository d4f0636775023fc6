package backend

import (
	"math"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

type batcher struct {
	Backend
	calls int
}

func (b *batcher) ClassifyBatch(in []float32) ([]Result, error) {
	b.calls++
	return make([]Result, len(in)/DigitInput.Len()), nil
}

// A batch is classified image by image, or in one call of a Batcher, also
// under another name.
func TestClassifyBatch(t *testing.T) {
	e := fixture.Engine(models.B, 1)
	sl := NewSliced(func() *engine.Engine { return e })
	var in []float32
	var want []string
	for _, d := range []int{3, 8, 1} {
		x := fixture.Tensor(fixture.Digit(d, 0, 0))
		r, err := sl.Classify(x)
		if err != nil {
			t.Fatal(err)
		}
		in, want = append(in, x...), append(want, r.Class)
	}
	res, err := ClassifyBatch(sl, in)
	if err != nil || len(res) != 3 {
		t.Fatalf("%d results, %v", len(res), err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.Class)
	}
	if !slices.Equal(got, want) {
		t.Errorf("batch %v, one by one %v", got, want)
	}
	for _, b := range []Backend{sl, fullCNN(t)} {
		if _, ok := b.(Batcher); !ok {
			t.Errorf("%s is not a Batcher", b.Info().Name)
		}
		res, err := ClassifyBatch(b, in)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			one, _ := b.Classify(in[i*784 : (i+1)*784])
			if r.Class != one.Class || math.Abs(float64(r.Score-one.Score)) > 1e-4 || len(r.Scores) != len(one.Scores) ||
				len(r.Neighbors) != len(one.Neighbors) || r.Timing.Inference <= 0 {
				t.Errorf("%s image %d: batched %+v, alone %+v", b.Info().Name, i, r, one)
			}
		}
	}
	if _, err := ClassifyBatch(sl, in[:100]); err == nil {
		t.Error("a batch of 100 values was taken")
	}
	b := &batcher{Backend: sl}
	r := Renamed(b, "digits")
	if res, err := ClassifyBatch(r, in); err != nil || len(res) != 3 || b.calls != 1 || r.Info().Name != "digits" || r.Info().Model != e.Name {
		t.Errorf("renamed batcher: %d results, %v, %d calls, %+v", len(res), err, b.calls, r.Info())
	}
}

// Normalize applies the engine's per-channel mean and scale; a digit
// engine's input is left as it is.
func TestNormalize(t *testing.T) {
	e := fixture.Scene(1)
	e.Prep.Mean, e.Prep.Scale = []float32{0.5, 0.25, 0}, []float32{2}
	b := NewSliced(func() *engine.Engine { return e })
	in := make([]float32, 2*3*32*32)
	for i := range in {
		in[i] = 1
	}
	Normalize(b, in)
	plane := 32 * 32
	for i, want := range []float32{1, 1.5, 2, 1, 1.5, 2} {
		if got := in[i*plane]; got != want {
			t.Fatalf("plane %d: %v, want %v", i, got, want)
		}
	}
	d := NewSliced(func() *engine.Engine { return fixture.Engine(models.B, 1) })
	one := []float32{0.3}
	Normalize(d, one)
	if one[0] != 0.3 {
		t.Errorf("a digit engine's input changed to %v", one[0])
	}
}

func fullCNN(t *testing.T) Backend {
	f, err := NewFullCNN(fixture.FullCNN(models.B, 1))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
