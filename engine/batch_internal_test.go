package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/knn"
)

// A projection with a mean, the cosine metric and a majority vote take the
// same path through ClassifyBatch as alone; a batch that is not a whole
// number of inputs is refused.
func TestClassifyBatchProjectionMean(t *testing.T) {
	for _, metric := range []knn.Metric{knn.L2, knn.Cosine} {
		e := testEngine(3, 40, true)
		e.KNN.Metric = metric
		e.KNN.Prepare()
		s, err := e.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var in []float32
		for i := 0; i < 19; i++ {
			in = append(in, testInput(uint64(i))...)
		}
		preds, err := s.ClassifyBatch(in)
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range preds {
			want, err := s.Classify(in[i*784 : (i+1)*784])
			if err != nil {
				t.Fatal(err)
			}
			if got.Label != want.Label || got.Class != want.Class || math.Abs(float64(got.Score-want.Score)) > 1e-4 {
				t.Fatalf("%v image %d: batched %+v, alone %+v", metric, i, got, want)
			}
			if !slices.EqualFunc(got.Neighbors, want.Neighbors, func(a, b knn.Neighbor) bool {
				return a.Index == b.Index && math.Abs(float64(a.Dist-b.Dist)) <= 1e-4*max(1, float64(b.Dist))
			}) {
				t.Fatalf("%v image %d: neighbours %v, alone %v", metric, i, got.Neighbors, want.Neighbors)
			}
		}
		if _, err := s.ClassifyBatch(in[:100]); err == nil {
			t.Error("a batch of 100 values was taken")
		}
	}
}

// An engine no class was enrolled into answers unknown, label -1, for
// every image of a batch, as Classify does.
func TestClassifyBatchEmptyEngine(t *testing.T) {
	e := testEngine(4, 9, false)
	for len(e.KNN.Classes) > 0 {
		e.KNN.Remove(e.KNN.Classes[0])
	}
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	in := append(testInput(1), testInput(2)...)
	preds, err := s.ClassifyBatch(in)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range preds {
		if p.Known || p.Class != Unknown || p.Label != -1 {
			t.Errorf("image %d: %+v, want unknown with label -1", i, p)
		}
	}
}
