package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Every kernel set against the plain definition, on widths around the
// vector block, several rows and pitches, with NaN, infinities and zeros
// of both signs mixed in.
func TestMaxPool2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
	for _, ks := range available() {
		for cols := 1; cols <= 35; cols++ {
			for _, rows := range []int{1, 2, 5} {
				chans := 1 + rng.IntN(3)
				pitch := 2*cols + rng.IntN(3)
				plane := 2*rows*pitch + rng.IntN(2)*pitch
				src := randSlice(rng, chans*plane)
				for i := range src {
					if rng.IntN(6) == 0 {
						src[i] = special[rng.IntN(len(special))]
					}
				}
				dst := make([]float32, chans*rows*cols+1)
				dst[chans*rows*cols] = 42
				if ks.max2x2 == nil || !ks.max2x2(dst, src, chans, rows, cols, pitch, plane) {
					maxPool2x2Go(dst, src, chans, rows, cols, pitch, plane)
				}
				if dst[chans*rows*cols] != 42 {
					t.Fatalf("%s %dx%d: wrote past the output", ks.name, rows, cols)
				}
				for y := 0; y < chans*rows; y++ {
					for x := 0; x < cols; x++ {
						i := (y/rows)*plane + 2*(y%rows)*pitch + 2*x
						vals := []float32{src[i], src[i+1], src[i+pitch], src[i+pitch+1]}
						want, nan := float32(math.Inf(-1)), false
						for _, v := range vals {
							nan = nan || v != v
							want = max(want, v)
						}
						got := dst[y*cols+x]
						if nan != (got != got) || (!nan && got != want) {
							t.Fatalf("%s %dx%d pitch %d: (%d,%d) = %v, max of %v", ks.name, rows, cols, pitch, y, x, got, vals)
						}
					}
				}
			}
		}
	}
	for _, c := range [][6]int{{4, 8, 2, 4, 4, 8}, {4, 7, 2, 2, 4, 8}, {3, 16, 2, 2, 4, 8}, {4, 16, 2, 2, 3, 8}, {8, 16, 1, 2, 2, 4}, {8, 16, 2, 2, 4, 4}} {
		if err := MaxPool2x2(make([]float32, c[0]), make([]float32, c[1]), c[2]%2+1, c[2], c[3], c[4], c[5]); err == nil {
			t.Errorf("MaxPool2x2 accepted %v", c)
		}
	}
}
