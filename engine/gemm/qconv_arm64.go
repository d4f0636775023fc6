//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// The integer convolution's kernels are generated (qconv_arm64.s), for
// NEON's dot product (SDOT, ARMv8.2 and later), checked at start-up.
var hasQConv = cpu.ARM64.HasASIMDDP

// vector runs the NEON kernels: whole chunks of 16 pixels packed in one
// call (the rest in Go), then tiles of 8 filters by 8 pixels, the last
// partial tile through a buffer (NEON stores have no masks).
func (q *QConv) vector(n int, col []float32, ldc int, inv, zf float32, x []uint8, ldx int, lower float32, out []float32, ldo int) {
	full := n / 16
	if full > 0 {
		qpack4NEON(q.k, q.k4, full, &col[0], ldc, inv, zf, &x[0], ldx)
	}
	q.packGo(16*full, n, col, ldc, inv, zf, x, ldx, 0x80)
	strips := n / 8
	for fb := 0; fb < q.rows/QRows; fb++ {
		r0 := fb * QRows
		w := &q.w[r0*q.k4*4]
		for s := 0; s < strips; s++ {
			qtile8NEON(q.k4, w, &x[s*32], ldx, &out[r0*ldo+s*8], ldo, &q.sc[r0], &q.off[r0], lower, &q.add[r0])
		}
		if rest := n - 8*strips; rest > 0 {
			var tmp [QRows * 8]float32
			qtile8NEON(q.k4, w, &x[strips*32], ldx, &tmp[0], 8, &q.sc[r0], &q.off[r0], lower, &q.add[r0])
			for r := 0; r < QRows; r++ {
				copy(out[(r0+r)*ldo+8*strips:][:rest], tmp[r*8:][:rest])
			}
		}
	}
}

// hasMinMax16: MinMax runs its NEON kernel.
const hasMinMax16 = true

//go:noescape
func minMax16(blocks int, x *float32) (lo, hi, sum float32)

//go:noescape
func qpack4NEON(k, k4, chunks int, col *float32, ldc int, inv, zf float32, x *uint8, ldx int)

//go:noescape
func qtile8NEON(k4 int, w *int8, x *uint8, ldx int, out *float32, ldo int, sc, off *float32, lo float32, add *int32)
