package gemm

import "sync"

// kernels is one instruction set's inner loops. The blocked driver and the
// matrix-vector paths only ever call these three functions, so a new
// architecture needs nothing else.
type kernels struct {
	name   string
	mr, nr int // the register tile: rows of A and columns of B per call
	kc     int // deepest pass over k that keeps an nr-wide B strip in L1

	// tile adds the mr x nr product of a packed A panel (a[p*mr+i]) and a
	// B strip (b[p*ldb+j]) over kc steps to C (c[i*ldc+j]); with relu the
	// tile is clamped at zero as it is stored.
	tile func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool)
	// tileSet is tile writing C = A·B without reading C.
	tileSet func(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool)
	// tileBias is tile writing C = bias[i] + A·B without reading C.
	tileBias func(kc int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool)
	// dot4 returns, for r < 4, the sum over p < k of a[r*lda+p]*x[p].
	dot4 func(k int, a []float32, lda int, x []float32) [4]float32
	// axpy4 adds sum over r < 4 of s[r]*a[r*lda+j] to y[j], j < n.
	axpy4 func(n int, a []float32, lda int, s [4]float32, y []float32)
	// axpyCols, when set, adds sum over p < k of s[p]*a[p*lda+j] to
	// y[j] for the first columns it covers, a multiple of its narrow
	// strip, and returns how many.
	axpyCols func(n, k int, a []float32, lda int, s, y []float32) int
	// dotRows, when set, writes y[i] = sum over p < kd of a[i*lda+p]*x[p]
	// for i < rows (a multiple of 4) and returns kd, the largest multiple
	// of its block not above k; 0 means it did nothing.
	dotRows func(rows, k int, a []float32, lda int, x, y []float32) int
	// im2col, when set, is Im2ColStride after its checks; false means it
	// did nothing (rows too short for it).
	im2col func(dst []float32, ldd int, src []float32, chans, k, rows, cols, pitch, plane int) bool
	// max2x2, when set, is MaxPool2x2 after its checks; false means it
	// did nothing (rows too narrow for it).
	max2x2 func(dst, src []float32, chans, rows, cols, pitch, plane int) bool
}

// active is the kernel set every call uses, chosen once at start-up from
// the CPU's features.
var active = best()

// Kernel names the instruction set the multiply runs on: "avx512",
// "avx2", "neon" or "go".
func Kernel() string { return active.name }

// workspace holds the packing buffers of one call; pooled so that steady
// state inference allocates nothing.
type workspace struct {
	a, b, edge, tile, x, y, s []float32
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// grow returns s resliced to n values, reallocating only when too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// goKernels is the portable set: the fallback on every other architecture
// and under the purego tag, and the oracle the fast sets are tested
// against.
var goKernels = kernels{
	name: "go", mr: 4, nr: 4, kc: 512,
	tile:     tileGo,
	tileSet:  tileSetGo,
	tileBias: tileBiasGo,
	dot4:     dot4Go,
	axpy4:    axpy4Go,
}

func tileSetGo(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
	for i := 0; i < 4; i++ {
		clear(c[i*ldc : i*ldc+4])
	}
	tileGo(kc, a, b, ldb, c, ldc, relu)
}

func tileBiasGo(kc int, a, b []float32, ldb int, c []float32, ldc int, bias []float32, relu bool) {
	for i := 0; i < 4; i++ {
		row := c[i*ldc : i*ldc+4]
		for j := range row {
			row[j] = bias[i]
		}
	}
	tileGo(kc, a, b, ldb, c, ldc, relu)
}

// tileGo keeps the 4x4 tile in 16 locals so that the compiler holds it in
// registers, and loads each value of A just before its four uses.
func tileGo(kc int, a, b []float32, ldb int, c []float32, ldc int, relu bool) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	a = a[:kc*4]
	bi := 0
	for p := 0; p+3 < len(a); p += 4 {
		bp := b[bi : bi+4 : bi+4]
		bi += ldb
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := a[p]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := a[p+1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := a[p+2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := a[p+3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	addRow(c[0*ldc:], c00, c01, c02, c03)
	addRow(c[1*ldc:], c10, c11, c12, c13)
	addRow(c[2*ldc:], c20, c21, c22, c23)
	addRow(c[3*ldc:], c30, c31, c32, c33)
	if relu {
		for i := 0; i < 4; i++ {
			reluRow(c[i*ldc : i*ldc+4])
		}
	}
}

func addRow(c []float32, v0, v1, v2, v3 float32) {
	c = c[:4]
	c[0] += v0
	c[1] += v1
	c[2] += v2
	c[3] += v3
}

func dot4Go(k int, a []float32, lda int, x []float32) (out [4]float32) {
	x = x[:k]
	for r := range out {
		row := a[r*lda : r*lda+k]
		var s0, s1, s2, s3 float32
		p := 0
		for ; p+4 <= k; p += 4 {
			s0 += row[p] * x[p]
			s1 += row[p+1] * x[p+1]
			s2 += row[p+2] * x[p+2]
			s3 += row[p+3] * x[p+3]
		}
		for ; p < k; p++ {
			s0 += row[p] * x[p]
		}
		out[r] = (s0 + s1) + (s2 + s3)
	}
	return out
}

func axpy4Go(n int, a []float32, lda int, s [4]float32, y []float32) {
	y = y[:n]
	r0, r1, r2, r3 := a[:n], a[lda:lda+n], a[2*lda:2*lda+n], a[3*lda:3*lda+n]
	for j := range y {
		y[j] += s[0]*r0[j] + s[1]*r1[j] + s[2]*r2[j] + s[3]*r3[j]
	}
}
