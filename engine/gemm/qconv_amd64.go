//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// The integer convolution's kernels are generated (qconv_amd64.s), for
// AVX-512 with VNNI.
var hasQConv = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VNNI

// hasMinMax16: MinMax runs its AVX-512 kernel.
var hasMinMax16 = hasQConv

// vector runs the AVX-512 kernels: all chunks of 16 pixels packed in one
// call, then tiles of 8 filters by 32 pixels, the last under masks.
func (q *QConv) vector(n int, col []float32, ldc int, inv, zf float32, x []uint8, ldx int, lower float32, out []float32, ldo int) {
	chunks := (n + 15) / 16
	qpack4(q.k, q.k4, chunks, &col[0], ldc, inv, zf, &x[0], ldx, lanes(n-16*(chunks-1)))
	strips := (n + qPix - 1) / qPix
	for fb := 0; fb < q.rows/QRows; fb++ {
		r0 := fb * QRows
		for s := range strips {
			left := n - s*qPix
			mlo, mhi := 0xffff, 0xffff
			if left < qPix {
				mlo, mhi = lanes(min(left, 16)), lanes(max(left-16, 0))
			}
			qtile8(q.k4, &q.w[r0*q.k4*4], &x[s*4*qPix], ldx, &out[r0*ldo+s*qPix], ldo, &q.sc[r0], &q.off[r0], lower, mlo, mhi)
		}
	}
}

//go:noescape
func minMax16(blocks int, x *float32) (lo, hi, sum float32)

//go:noescape
func qpack4(k, k4, chunks int, col *float32, ldc int, inv, zf float32, x *uint8, ldx, tail int)

//go:noescape
func qtile8(k4 int, w *int8, x *uint8, ldx int, out *float32, ldo int, sc, off *float32, lo float32, mlo, mhi int)
