package gemm

import (
	"math/rand/v2"
	"testing"
)

// Every kernel set against the definition, on window widths around the
// vector width, kernel sizes 1 to 4, padded rows and planes, and
// destination rows back to back or apart (the columns of other images
// between them, which must stay untouched).
func TestIm2Col(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, ks := range available() {
		for cols := 1; cols <= 35; cols += 1 + cols/8 {
			for k := 1; k <= 4; k++ {
				chans, rows := 1+rng.IntN(3), 1+rng.IntN(5)
				pitch := cols + k - 1 + rng.IntN(3)
				plane := (rows+k-1)*pitch + rng.IntN(2)*pitch
				src := randSlice(rng, (chans-1)*plane+(rows+k-2)*pitch+cols+k-1)
				ldd := rows * cols
				if rng.IntN(2) == 1 {
					ldd += 1 + rng.IntN(9)
				}
				n := (chans*k*k-1)*ldd + rows*cols
				dst := make([]float32, n+1)
				for i := range dst {
					dst[i] = 42
				}
				if ks.im2col == nil || !ks.im2col(dst, ldd, src, chans, k, rows, cols, pitch, plane) {
					im2colGo(dst, ldd, src, chans, k, rows, cols, pitch, plane)
				}
				for i := rows * cols; i < n; i += ldd {
					for _, v := range dst[i:min(i+ldd-rows*cols, n+1)] {
						if v != 42 {
							t.Fatalf("%s: wrote between rows %d apart", ks.name, ldd)
						}
					}
				}
				if dst[n] != 42 {
					t.Fatalf("%s: wrote past the end", ks.name)
				}
				for c := 0; c < chans; c++ {
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							for y := 0; y < rows; y++ {
								for x := 0; x < cols; x++ {
									got := dst[((c*k+ky)*k+kx)*ldd+y*cols+x]
									if want := src[c*plane+(y+ky)*pitch+x+kx]; got != want {
										t.Fatalf("%s c=%d k=%d %dx%d: (%d,%d,%d,%d,%d) = %v, want %v", ks.name, chans, k, rows, cols, c, ky, kx, y, x, got, want)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	bad := [][8]int{{1, 0, 2, 2, 2, 4, 10, 20}, {1, 3, 2, 8, 2, 9, 8, 64}, {1, 3, 2, 8, 2, 9, 10, 64}}
	for _, c := range bad {
		if err := Im2Col(make([]float32, c[7]), make([]float32, 200), c[0], c[1], c[2], c[3], c[5], c[6]); err == nil {
			t.Errorf("Im2Col accepted %v", c)
		}
	}
}

// Rows of dst closer together than a window are refused.
func TestIm2ColStrideShort(t *testing.T) {
	if err := Im2ColStride(make([]float32, 100), 3, make([]float32, 100), 1, 1, 2, 2, 2, 4); err == nil {
		t.Error("rows 3 apart for windows of 4 were taken")
	}
}
