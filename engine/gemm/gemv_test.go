package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestMatVec covers the matrix-vector path the k-NN and dense layers run
// on: row counts around the groups of four and the column strips of the
// transposed form (one register to 16), depths around the 16- and
// 32-value blocks of the vector kernels (all rows in one call, tails in
// Go), every scalar and output stride, both forms.
func TestMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range available() {
		for _, rows := range []int{1, 3, 4, 7, 8, 33, 64, 129, 2000} {
			for _, k := range []int{1, 15, 16, 17, 31, 32, 33, 64, 100, 1600} {
				for i, sc := range [][2]float32{{1, 0}, {0.5, 0}, {1, 1}, {-1.25, 0.75}} {
					for _, trans := range []bool{false, true} {
						check(t, ks, gemmCase{transA: trans, m: rows, n: 1, k: k, alpha: sc[0], beta: sc[1], pad: i % 3}, r)
					}
				}
			}
		}
	}
}

// BenchmarkMatVecT is the k-NN's distance product: a 32-value query by
// transposed prototypes, 200 of them (25 KB, in L1) and 2000 (250 KB, from
// L2). The bytes of a read once per call bound the larger one.
//
//	go test -run '^$' -bench MatVecT ./engine/gemm
func BenchmarkMatVecT(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	const k = 32
	for _, rows := range []int{200, 2000} {
		a, x, y := randSlice(r, k*rows), randSlice(r, k), randSlice(r, rows)
		for _, ks := range available() {
			b.Run(fmt.Sprintf("%d/%s", rows, ks.name), func(b *testing.B) {
				measure(b, 2*float64(k*rows), func() {
					sgemm(ks, true, false, rows, 1, k, -2, a, rows, x, 1, 1, y, 1)
				})
				b.SetBytes(int64(4 * k * rows))
			})
		}
	}
}
