package gemm

import (
	"math/rand/v2"
	"testing"
)

// TestMatVec covers the matrix-vector path the k-NN and dense layers run
// on: row counts around the groups of four, depths around the 16- and
// 32-value blocks of the vector kernels (all rows in one call, tails in
// Go), every scalar and output stride.
func TestMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range available() {
		for _, rows := range []int{1, 3, 4, 7, 8, 33, 2000} {
			for _, k := range []int{1, 15, 16, 17, 31, 32, 33, 64, 100, 1600} {
				for i, sc := range [][2]float32{{1, 0}, {0.5, 0}, {1, 1}, {-1.25, 0.75}} {
					check(t, ks, gemmCase{m: rows, n: 1, k: k, alpha: sc[0], beta: sc[1], pad: i % 3}, r)
				}
			}
		}
	}
}
