package prototypes

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The subspace iteration finds the directions the exact PCA finds (up to
// sign) when the spectrum has a gap, and its rows are orthonormal.
func TestSubspacePCAMatchesPCA(t *testing.T) {
	const n, d, out = 400, 60, 5
	r := rand.New(rand.NewPCG(3, 3))
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			s := 0.1
			if j < out {
				s = float64(10 - j) // five strong, distinct axes
			}
			x[i*d+j] = float32(s*r.NormFloat64()) + 3
		}
	}
	_, exact, err := PCA(x, n, d, out)
	if err != nil {
		t.Fatal(err)
	}
	mean, fast, err := SubspacePCA(x, n, d, out, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(mean[d-1])-3) > 0.05 {
		t.Errorf("mean %v", mean[d-1])
	}
	for c := 0; c < out; c++ {
		var dot, self float64
		for j := 0; j < d; j++ {
			dot += float64(exact[c*d+j]) * float64(fast[c*d+j])
			self += float64(fast[c*d+j]) * float64(fast[c*d+j])
		}
		if math.Abs(math.Abs(dot)-1) > 1e-3 || math.Abs(self-1) > 1e-4 {
			t.Errorf("component %d: |cos| %.5f with PCA's, norm² %.5f", c, math.Abs(dot), self)
		}
	}
	// Features of lower rank than the block still give an answer.
	low := make([]float32, 50*d)
	for i := 0; i < 50; i++ {
		low[i*d] = float32(i)
	}
	if _, _, err := SubspacePCA(low, 50, d, 3, 3, 1); err != nil {
		t.Errorf("rank-one features: %v", err)
	}
	if _, _, err := SubspacePCA(x, n, d, d+1, 3, 1); err == nil {
		t.Error("more components than dimensions accepted")
	}
}
