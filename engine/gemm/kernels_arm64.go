//go:build !purego

package gemm

// Advanced SIMD is part of every ARMv8-A core, so NEON needs no check.
var neonKernels = kernels{
	name: "neon", mr: 8, nr: 12, kc: 256,
	max2x2: func(dst, src []float32, chans, rows, cols, pitch, plane int) bool {
		if cols < 4 {
			return false
		}
		_ = dst[chans*rows*cols-1]
		_ = src[(chans-1)*plane+(2*rows-1)*pitch+2*cols-1]
		max2x2NEON(chans, rows, cols, &src[0], pitch, plane, &dst[0])
		return true
	},
	tile: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 8, 12, a, b, ldb, c, ldc)
		tileNEON(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileSet: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 8, 12, a, b, ldb, c, ldc)
		tileNEONSet(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileBias: func(kc int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool) {
		checkTile(kc, 8, 12, a, b, ldb, c, ldc)
		_ = bias[7]
		tileNEONBias(kc, &a[0], &b[0], ldb, &c[0], ldc, &bias[0], flag(relu))
	},
	dot4: func(k int, a []float32, lda int, x []float32) [4]float32 {
		const block = 8
		var acc [4 * block]float32
		if n := k / block; n > 0 {
			checkRows(n*block, a, lda, x)
			dot4NEON(n, &a[0], lda, &x[0], &acc[0])
		}
		return foldDot(acc[:], block, k/block*block, k, a, lda, x)
	},
	axpy4: func(n int, a []float32, lda int, s [4]float32, y []float32) {
		const block = 8
		if m := n / block; m > 0 {
			checkRows(m*block, a, lda, y)
			axpy4NEON(m, &a[0], lda, &s[0], &y[0])
		}
		axpyTail(n/block*block, n, a, lda, s, y)
	},
	axpyCols: func(n, k int, a []float32, lda int, s, y []float32) int {
		return axpyColsWith(axpyColsNEON, 4, 16, n, k, a, lda, s, y)
	},
}

func best() *kernels { return &neonKernels }

// available lists every kernel set this machine can run, fastest first.
func available() []*kernels { return []*kernels{&neonKernels, &goKernels} }

//go:noescape
func tileNEON(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileNEONSet(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileNEONBias(kc int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int)

//go:noescape
func max2x2NEON(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)

//go:noescape
func dot4NEON(blocks int, a *float32, lda int, x *float32, acc *float32)

//go:noescape
func axpyColsNEON(wide, narrow, k int, a *float32, lda int, s *float32, y *float32)

//go:noescape
func axpy4NEON(blocks int, a *float32, lda int, s *float32, y *float32)

func peakNEON(n int)

// peaks are the FMA-throughput loops, with the flops one round does.
func peaks() []peak { return []peak{{"neon", peakNEON, 24 * 4 * 2}} }
