package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Every kernel set against the plain definition, on lengths around the
// vector width, with NaN, infinities and zeros of both signs mixed in.
func TestMax2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
	for _, ks := range available() {
		for n := 0; n <= 35; n++ {
			r0, r1 := randSlice(rng, 2*n+1), randSlice(rng, 2*n+3)
			for i := range r0 {
				if rng.IntN(6) == 0 {
					r0[i] = special[rng.IntN(len(special))]
				}
			}
			for i := range r1 {
				if rng.IntN(6) == 0 {
					r1[i] = special[rng.IntN(len(special))]
				}
			}
			dst := make([]float32, n)
			done := 0
			if ks.max2x2 != nil {
				done = ks.max2x2(dst, r0, r1)
			}
			max2x2Go(dst[done:], r0[2*done:], r1[2*done:])
			for j, got := range dst {
				vals := []float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}
				want, nan := float32(math.Inf(-1)), false
				for _, v := range vals {
					nan = nan || v != v
					want = max(want, v)
				}
				if nan != (got != got) || (!nan && got != want) {
					t.Fatalf("%s n=%d: dst[%d] = %v, max of %v", ks.name, n, j, got, vals)
				}
			}
		}
	}
	if err := Max2x2(make([]float32, 4), make([]float32, 7), make([]float32, 8)); err == nil {
		t.Error("short row accepted")
	}
}
