package gemm

import (
	"math/rand/v2"
	"testing"
)

func TestCopyRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, ks := range available() {
		for n := 1; n <= 35; n++ {
			for _, rows := range []int{1, 2, 7} {
				pitch := n + rng.IntN(4)
				src := randSlice(rng, (rows-1)*pitch+n)
				dst := make([]float32, rows*n+1)
				dst[rows*n] = 42
				if ks.copyRows == nil || !ks.copyRows(dst, src, rows, n, pitch) {
					for r := 0; r < rows; r++ {
						copy(dst[r*n:(r+1)*n], src[r*pitch:])
					}
				}
				if dst[rows*n] != 42 {
					t.Fatalf("%s: %d rows of %d: wrote past the end", ks.name, rows, n)
				}
				for r := 0; r < rows; r++ {
					for j := 0; j < n; j++ {
						if dst[r*n+j] != src[r*pitch+j] {
							t.Fatalf("%s: %d rows of %d pitch %d: dst[%d][%d] = %v, want %v", ks.name, rows, n, pitch, r, j, dst[r*n+j], src[r*pitch+j])
						}
					}
				}
			}
		}
	}
	for _, c := range [][5]int{{3, 10, 2, 2, 1}, {3, 4, 2, 2, 3}, {4, 3, 2, 2, 3}} {
		if err := CopyRows(make([]float32, c[0]), make([]float32, c[1]), c[2], c[3], c[4]); err == nil {
			t.Errorf("CopyRows accepted %v", c)
		}
	}
}
