package knn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ClassifyBatch answers as Classify does query by query, for both metrics
// and votes and dimensions around the vector widths, and each result keeps
// its own neighbours.
func TestClassifyBatchMatchesClassify(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, metric := range []Metric{L2, Cosine} {
		for _, vote := range []Vote{Majority, Kernel} {
			for _, dim := range []int{3, 16, 24, 33} {
				s := &Set{K: 1 + rng.IntN(9), Metric: metric, Vote: vote, Dim: dim, Classes: []string{"a", "b", "c"}}
				for i := 0; i < 70; i++ {
					for j := 0; j < dim; j++ {
						s.Vectors = append(s.Vectors, float32(rng.NormFloat64()))
					}
					s.Labels = append(s.Labels, i%3)
				}
				n := 1 + rng.IntN(20)
				q := make([]float32, n*dim)
				for i := range q {
					q[i] = float32(rng.NormFloat64())
				}
				r := NewSearcher(s)
				got, err := r.ClassifyBatch(q, n)
				if err != nil {
					t.Fatal(err)
				}
				for i, g := range got {
					want, _ := NewSearcher(s).Classify(q[i*dim : (i+1)*dim])
					if g.Label != want.Label || math.Abs(float64(g.Score-want.Score)) > 1e-4 || len(g.Neighbors) != len(want.Neighbors) {
						t.Fatalf("%v %v dim %d query %d: batched %+v, alone %+v", metric, vote, dim, i, g, want)
					}
					for j, nb := range g.Neighbors {
						w := want.Neighbors[j]
						if nb.Index != w.Index || math.Abs(float64(nb.Dist-w.Dist)) > 1e-4*max(1, float64(w.Dist)) {
							t.Fatalf("%v %v dim %d query %d: neighbour %d %+v, alone %+v", metric, vote, dim, i, j, nb, w)
						}
					}
				}
			}
		}
	}
	if _, err := NewSearcher(set2D(L2, 3)).ClassifyBatch(make([]float32, 3), 2); err == nil {
		t.Error("3 values were taken as 2 queries of 2")
	}
}
