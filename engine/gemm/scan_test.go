package gemm

import (
	"math/rand/v2"
	"testing"
)

// NextAtMost finds what the plain loop finds, at every offset, length and
// threshold, ties included.
func TestNextAtMost(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for n := 0; n < 70; n++ {
		d := make([]float32, n)
		for i := range d {
			d[i] = float32(rng.IntN(50))
		}
		for _, thr := range []float32{-1, 0, 3, 10, 49} {
			for from := 0; from <= n; from++ {
				want := n - from
				for i, v := range d[from:] {
					if v <= thr {
						want = i
						break
					}
				}
				if got := NextAtMost(d[from:], thr); got != want {
					t.Fatalf("n=%d from %d thr %v: %d, want %d", n, from, thr, got, want)
				}
			}
		}
	}
}
