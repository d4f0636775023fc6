//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

var avx2Kernels = kernels{
	name: "avx2", mr: 6, nr: 16, kc: 384, max2x2: max2x2x86, im2col: im2colX86, dotRows: dotRowsAVX2,
	tile: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 6, 16, a, b, ldb, c, ldc)
		tileAVX2(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileSet: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 6, 16, a, b, ldb, c, ldc)
		tileAVX2Set(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileBias: func(kc int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool) {
		checkTile(kc, 6, 16, a, b, ldb, c, ldc)
		_ = bias[5]
		tileAVX2Bias(kc, &a[0], &b[0], ldb, &c[0], ldc, &bias[0], flag(relu))
	},
	dot4: func(k int, a []float32, lda int, x []float32) [4]float32 {
		const block = 16
		var acc [4]float32 // the assembly sums each row
		if n := k / block; n > 0 {
			checkRows(n*block, a, lda, x)
			dot4AVX2(n, &a[0], lda, &x[0], &acc[0])
		}
		return foldDot(acc[:], 1, k/block*block, k, a, lda, x)
	},
	axpy4: func(n int, a []float32, lda int, s [4]float32, y []float32) {
		const block = 16
		if m := n / block; m > 0 {
			checkRows(m*block, a, lda, y)
			axpy4AVX2(m, &a[0], lda, &s[0], &y[0])
		}
		axpyTail(n/block*block, n, a, lda, s, y)
	},
	axpyCols: func(n, k int, a []float32, lda int, s, y []float32) int {
		return axpyColsWith(axpyColsAVX2, 8, 8, n, k, a, lda, s, y)
	},
}

var avx512Kernels = kernels{
	name: "avx512", mr: 8, nr: 32, kc: 384, max2x2: max2x2x86, im2col: im2colX86, dotRows: dotRowsAVX512,
	tile: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 8, 32, a, b, ldb, c, ldc)
		tileAVX512(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileSet: func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
		checkTile(kc, 8, 32, a, b, ldb, c, ldc)
		tileAVX512Set(kc, &a[0], &b[0], ldb, &c[0], ldc, flag(relu))
	},
	tileBias: func(kc int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool) {
		checkTile(kc, 8, 32, a, b, ldb, c, ldc)
		_ = bias[7]
		tileAVX512Bias(kc, &a[0], &b[0], ldb, &c[0], ldc, &bias[0], flag(relu))
	},
	dot4: func(k int, a []float32, lda int, x []float32) [4]float32 {
		if k < 32 {
			// Rows shorter than one block (16-value k-NN prototypes)
			// still get vector loads from the AVX2 kernel.
			return avx2Kernels.dot4(k, a, lda, x)
		}
		const block = 32
		var acc [4]float32 // the assembly sums each row
		if n := k / block; n > 0 {
			checkRows(n*block, a, lda, x)
			dot4AVX512(n, &a[0], lda, &x[0], &acc[0])
		}
		return foldDot(acc[:], 1, k/block*block, k, a, lda, x)
	},
	axpy4: func(n int, a []float32, lda int, s [4]float32, y []float32) {
		const block = 32
		if m := n / block; m > 0 {
			checkRows(m*block, a, lda, y)
			axpy4AVX512(m, &a[0], lda, &s[0], &y[0])
		}
		axpyTail(n/block*block, n, a, lda, s, y)
	},
	axpyCols: func(n, k int, a []float32, lda int, s, y []float32) int {
		return axpyColsWith(axpyColsAVX512, 16, 8, n, k, a, lda, s, y)
	},
}

// max2x2x86 runs the pooling kernels (the 8-wide one on AVX-512 machines
// too: the loop is bound by loads, not width) on rows at least 4 wide.
func max2x2x86(dst, src []float32, chans, rows, cols, pitch, plane int) bool {
	if cols < 4 {
		return false
	}
	_ = dst[chans*rows*cols-1]
	_ = src[(chans-1)*plane+(2*rows-1)*pitch+2*cols-1]
	if cols >= 8 {
		max2x2AVX2(chans, rows, cols, &src[0], pitch, plane, &dst[0])
	} else {
		max2x2AVX(chans, rows, cols, &src[0], pitch, plane, &dst[0])
	}
	return true
}

func im2colX86(dst []float32, ldd int, src []float32, chans, k, rows, cols, pitch, plane int) bool {
	if cols < 8 {
		return false
	}
	_ = dst[(chans*k*k-1)*ldd+rows*cols-1]
	_ = src[(chans-1)*plane+(k-1+rows-1)*pitch+k-1+cols-1]
	im2colAVX2(chans, k, rows, cols, &src[0], pitch, plane, &dst[0], ldd-rows*cols)
	return true
}

func dotRowsAVX2(rows, k int, a []float32, lda int, x, y []float32) int {
	const block = 16
	groups, blocks := rows/4, k/block
	if groups == 0 || blocks == 0 {
		return 0
	}
	_ = a[(rows-1)*lda+blocks*block-1]
	_ = x[blocks*block-1]
	_ = y[rows-1]
	dotsAVX2(groups, blocks, &a[0], lda, &x[0], &y[0])
	return blocks * block
}

func dotRowsAVX512(rows, k int, a []float32, lda int, x, y []float32) int {
	const block = 32
	if k < block {
		return dotRowsAVX2(rows, k, a, lda, x, y)
	}
	groups, blocks := rows/4, k/block
	if groups == 0 {
		return 0
	}
	_ = a[(rows-1)*lda+blocks*block-1]
	_ = x[blocks*block-1]
	_ = y[rows-1]
	dotsAVX512(groups, blocks, &a[0], lda, &x[0], &y[0])
	return blocks * block
}

func hasAVX2() bool   { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }
func hasAVX512() bool { return hasAVX2() && cpu.X86.HasAVX512F }

func best() *kernels {
	switch {
	case hasAVX512():
		return &avx512Kernels
	case hasAVX2():
		return &avx2Kernels
	}
	return &goKernels
}

// available lists every kernel set this machine can run, fastest first.
func available() []*kernels {
	var ks []*kernels
	if hasAVX512() {
		ks = append(ks, &avx512Kernels)
	}
	if hasAVX2() {
		ks = append(ks, &avx2Kernels)
	}
	return append(ks, &goKernels)
}

//go:noescape
func tileAVX2(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileAVX2Set(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileAVX2Bias(kc int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int)

//go:noescape
func tileAVX512(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileAVX512Set(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)

//go:noescape
func tileAVX512Bias(kc int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int)

//go:noescape
func dotsAVX2(groups, blocks int, a *float32, lda int, x *float32, y *float32)

//go:noescape
func dotsAVX512(groups, blocks int, a *float32, lda int, x *float32, y *float32)

//go:noescape
func im2colAVX2(chans, k, rows, cols int, src *float32, pitch, plane int, dst *float32, skip int)

//go:noescape
func max2x2AVX2(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)

//go:noescape
func max2x2AVX(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)

//go:noescape
func dot4AVX2(blocks int, a *float32, lda int, x *float32, acc *float32)

//go:noescape
func dot4AVX512(blocks int, a *float32, lda int, x *float32, acc *float32)

//go:noescape
func axpyColsAVX2(wide, narrow, k int, a *float32, lda int, s *float32, y *float32)

//go:noescape
func axpyColsAVX512(wide, narrow, k int, a *float32, lda int, s *float32, y *float32)

//go:noescape
func axpy4AVX2(blocks int, a *float32, lda int, s *float32, y *float32)

//go:noescape
func axpy4AVX512(blocks int, a *float32, lda int, s *float32, y *float32)

func peakAVX2(n int)

func peakAVX512(n int)

// peaks are the FMA-throughput loops, with the flops one round does.
func peaks() []peak {
	var ps []peak
	if hasAVX512() {
		ps = append(ps, peak{"avx512", peakAVX512, 24 * 16 * 2})
	}
	if hasAVX2() {
		ps = append(ps, peak{"avx2", peakAVX2, 12 * 8 * 2})
	}
	return ps
}
