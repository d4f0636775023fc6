package engine_test

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// mnistTest is the MNIST test images laid end to end (the first 1000
// under -short), or the test is skipped where the data set is missing.
func mnistTest(t testing.TB) ([]float32, int) {
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skip(err)
	}
	n := test.Len()
	if testing.Short() {
		n = 1000
	}
	var in []float32
	for i := 0; i < n; i++ {
		in = append(in, test.Image(i)...)
	}
	return in, n
}

// samePrediction fails unless a batched prediction has the single-image
// one's label, class and open-set answer, and its score and neighbour
// distances within 1e-4 (relative, for distances).
func samePrediction(t *testing.T, what string, got, want engine.Prediction) {
	t.Helper()
	if got.Label != want.Label || got.Class != want.Class || got.Known != want.Known {
		t.Fatalf("%s: batched %d %q known=%v, alone %d %q known=%v", what, got.Label, got.Class, got.Known, want.Label, want.Class, want.Known)
	}
	if math.Abs(float64(got.Score-want.Score)) > 1e-4 {
		t.Fatalf("%s: batched score %v, alone %v", what, got.Score, want.Score)
	}
	if len(got.Neighbors) != len(want.Neighbors) {
		t.Fatalf("%s: %d neighbours, alone %d", what, len(got.Neighbors), len(want.Neighbors))
	}
	for j, nb := range got.Neighbors {
		w := want.Neighbors[j]
		if math.Abs(float64(nb.Dist-w.Dist)) > 1e-4*max(1, math.Abs(float64(w.Dist))) {
			t.Fatalf("%s: neighbour %d at %v, alone %v", what, j, nb.Dist, w.Dist)
		}
	}
}

// The default engine and the full CNN give every MNIST test image the
// same answer batched as alone, in batches of every kind of size: one,
// under a chunk, a chunk, many chunks and a ragged end.
func TestClassifyBatchMNIST(t *testing.T) {
	in, n := mnistTest(t)
	sliced, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	full, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*engine.Engine{sliced, full} {
		alone, err := e.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		batch, err := e.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		inLen := e.Stack.In.Len()
		sizes := []int{1, 3, 8, 64, 61}
		for i, s := 0, 0; i < n; i, s = i+sizes[s%len(sizes)], s+1 {
			m := min(sizes[s%len(sizes)], n-i)
			preds, err := batch.ClassifyBatch(in[i*inLen : (i+m)*inLen])
			if err != nil {
				t.Fatal(err)
			}
			if len(preds) != m {
				t.Fatalf("%d predictions for %d images", len(preds), m)
			}
			for j, got := range preds {
				want, err := alone.Classify(in[(i+j)*inLen : (i+j+1)*inLen])
				if err != nil {
					t.Fatal(err)
				}
				samePrediction(t, e.Name+" image "+strconv.Itoa(i+j), got, want)
			}
		}
	}
}

// BenchmarkBatch times the default engine on batches of 1, 8 and 64
// MNIST test images, image by image (single) and in one ClassifyBatch
// (batched), in one run so that the two share the machine's state.
// ns/image is the mean, best-ns/image the fastest batch: on a machine
// that other work shares, the mean mostly measures time slices lost.
func BenchmarkBatch(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	all := make([]float32, 64*784)
	if _, test, err := dataset.LoadMNIST(""); err == nil {
		for i := 0; i < 64; i++ {
			copy(all[i*784:], test.Image(i))
		}
	}
	s, err := e.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 8, 64} {
		in := all[:n*784]
		run := func(b *testing.B, op func()) {
			best := time.Duration(1 << 62)
			for b.Loop() {
				t0 := time.Now()
				op()
				best = min(best, time.Since(t0))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/image")
			b.ReportMetric(float64(best.Nanoseconds())/float64(n), "best-ns/image")
		}
		b.Run(fmt.Sprintf("n=%d/single", n), func(b *testing.B) {
			run(b, func() {
				for i := 0; i < n; i++ {
					if _, err := s.Classify(in[i*784 : (i+1)*784]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(fmt.Sprintf("n=%d/batched", n), func(b *testing.B) {
			run(b, func() {
				if _, err := s.ClassifyBatch(in); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
