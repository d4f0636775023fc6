package prototypes

import (
	"math/rand/v2"
	"testing"
)

// The class is in a low-variance axis that one PCA component misses; the
// learned projection must find it.
func TestLearnFindsTheDiscriminativeAxis(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const n, in = 1000, 3
	feats := make([]float32, n*in)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		labels[i] = i % 2
		feats[i*in] = float32(rng.NormFloat64() * 5)                            // noise, large variance
		feats[i*in+1] = float32(2*labels[i]-1) + float32(rng.NormFloat64()*0.2) // the class
		feats[i*in+2] = float32(rng.NormFloat64() * 0.1)
	}
	_, p0, err := PCA(feats, n, in, 1)
	if err != nil {
		t.Fatal(err)
	}
	acc := func(p []float32, protos []float32) float64 {
		ok := 0
		for i := 0; i < n; i++ {
			z := p[0]*feats[i*in] + p[1]*feats[i*in+1] + p[2]*feats[i*in+2]
			d0, d1 := (z-protos[0])*(z-protos[0]), (z-protos[1])*(z-protos[1])
			if (d1 < d0) == (labels[i] == 1) {
				ok++
			}
		}
		return float64(ok) / n
	}
	c0 := []float32{0, 0.1}
	before := acc(p0, c0)
	L, err := LearnPrototypes(feats, labels, in, p0, 1, c0, []int{0, 1}, LearnOptions{Epochs: 30, Batch: 50, LR: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	after := acc(L.P, L.Protos)
	if after < 0.98 || after <= before {
		t.Fatalf("accuracy %.3f before learning, %.3f after", before, after)
	}
	if _, err := LearnPrototypes(feats, labels, in, p0[:1], 1, c0, []int{0, 1}, LearnOptions{}); err == nil {
		t.Fatal("inconsistent sizes accepted")
	}
}
