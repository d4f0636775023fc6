package backend

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func TestSlicedFollowsSwappedEngine(t *testing.T) {
	a, b := fixture.Engine(models.B, 1), fixture.Engine(models.B, 2)
	b.Name = "other"
	cur := a
	var mu sync.Mutex
	s := NewSliced(func() *engine.Engine { mu.Lock(); defer mu.Unlock(); return cur })
	in := fixture.Tensor(fixture.Digit(2, 0, 0))
	r, err := s.Classify(in)
	if err != nil || r.Class != "2" || r.Score != 1 || len(r.Neighbors) != 3 || r.Scores[2] != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	if r.Timing.Inference < r.Timing.Conv+r.Timing.KNN {
		t.Fatalf("inference %v shorter than conv %v + knn %v", r.Timing.Inference, r.Timing.Conv, r.Timing.KNN)
	}
	mu.Lock()
	cur = b
	mu.Unlock()
	if s.Info().Model != "other" {
		t.Fatalf("info after the swap: %+v", s.Info())
	}
	if r, _ := s.Classify(in); r.Class != "2" {
		t.Fatalf("after the swap: %+v", r)
	}
}

func TestSlicedConcurrent(t *testing.T) {
	e := fixture.Engine(models.B, 1)
	s := NewSliced(func() *engine.Engine { return e })
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				d := (g + i) % 10
				r, err := s.Classify(fixture.Tensor(fixture.Digit(d, 0, 0)))
				if err == nil && r.Class != fmt.Sprint(d) {
					err = fmt.Errorf("digit %d classified %s", d, r.Class)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestFullCNN(t *testing.T) {
	if _, err := NewFullCNN(fixture.Engine(models.B, 1)); err == nil {
		t.Fatal("a k-NN engine accepted as a full CNN")
	}
	f, err := NewFullCNN(fixture.FullCNN(models.B, 3))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Classify(fixture.Tensor(fixture.Digit(1, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	var sum float32
	for _, p := range r.Scores {
		sum += p
	}
	if len(r.Scores) != 10 || sum < 0.99 || sum > 1.01 || r.Score != r.Scores[r.Label] {
		t.Fatalf("%+v", r)
	}
	// The daemon's sliced backend serves a full CNN engine by argmax too.
	e := fixture.FullCNN(models.B, 3)
	s := NewSliced(func() *engine.Engine { return e })
	if r2, err := s.Classify(fixture.Tensor(fixture.Digit(1, 0, 0))); err != nil || r2.Label != r.Label {
		t.Fatalf("sliced backend on a full CNN: %+v %v", r2, err)
	}
}

func TestRegistryStates(t *testing.T) {
	reg := &Registry{}
	reg.Register("npu", func(Options) (Backend, error) { return nil, fmt.Errorf("libnpu.so not found: %w", ErrUnavailable) })
	reg.Register("bad", func(Options) (Backend, error) { return nil, errors.New("model file corrupt") })
	if _, err := reg.New(Options{Name: "npu"}); StateOf(err) != Skipped {
		t.Fatalf("missing library: %v is %s", err, StateOf(err))
	}
	if _, err := reg.New(Options{Name: "bad"}); StateOf(err) != Failed {
		t.Fatalf("corrupt model: %s", StateOf(err))
	}
	if _, err := reg.New(Options{Name: "cuda"}); StateOf(err) != Skipped {
		t.Fatalf("unregistered backend: %s", StateOf(err))
	}
	if got := fmt.Sprint(reg.Names()); got != "[bad npu]" {
		t.Fatalf("names %s", got)
	}
	if got := fmt.Sprint(Default.Names()); got != "[cuda fullcnn onnxruntime openvino sliced]" {
		t.Fatalf("default registry: %s", got)
	}
}

// The open-set settings reach the sessions: on MNIST test digits the
// backend answers known/unknown as an engine session with the same
// strictness and views, one by one and in batches.
func TestSlicedOpenSetSettings(t *testing.T) {
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	b := NewSliced(func() *engine.Engine { return e })
	const n = 2000
	for _, set := range []struct {
		scale float64
		views int
	}{{1, 1}, {1, 5}, {0.9, 5}} {
		b.SetUnknownScale(set.scale)
		b.SetUnknownViews(set.views)
		s, err := e.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		s.UnknownScale, s.UnknownViews = set.scale, set.views
		batch, err := b.ClassifyBatch(test.Images[:n*784])
		if err != nil {
			t.Fatal(err)
		}
		unknown := 0
		for i := range n {
			want, err := s.Classify(test.Image(i))
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.Classify(test.Image(i))
			if err != nil {
				t.Fatal(err)
			}
			if got.Known != want.Known || batch[i].Known != want.Known || got.Label != want.Label {
				t.Fatalf("scale %v views %d, image %d: backend %v, batch %v, session %v", set.scale, set.views, i, got.Known, batch[i].Known, want.Known)
			}
			if !want.Known {
				unknown++
			}
		}
		t.Logf("scale %v, views %d: %d of %d unknown", set.scale, set.views, unknown, n)
	}
}
