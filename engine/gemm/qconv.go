package gemm

import (
	"fmt"
	"math"
)

// QConv is the weight matrix of a convolution (rows filters by k =
// channels x kernel taps, the matrix MulBias takes after im2col) as int8
// codes, for an integer product on AVX512-VNNI or NEON's dot product: the
// im2col of one image is coded to 8 unsigned bits with a step and a zero
// point of its own, and one VPDPBUSD does 64 multiply-adds of a code by a
// weight (one SDOT 16). The step of a filter's codes is its largest
// |weight| / 127, so the products carry the rounding of 8 bits on both
// sides, where float32 carries 24: a choice for speed that changes answers
// near a decision, measured in the tests.
type QConv struct {
	rows, k, k4 int
	w           []int8    // [rows/8][k4][8][4]: per 4 taps, 8 filters' codes
	step        []float32 // per filter
	sum         []int32   // per filter: the sum of its codes
	add         []int32   // per filter: 128 * sum, for the signed codes of SDOT
	sc, off     []float32 // per filter, per call: the output's scale and offset
}

// QRows is the number of filters QConv takes at a time.
const QRows = 8

// qPix is the pixels of one product tile: two registers of 16.
const qPix = 32

// NewQConv codes w (rows x k, row-major) for the integer product; rows
// must be a multiple of QRows.
func NewQConv(rows, k int, w []float32) (*QConv, error) {
	if rows <= 0 || rows%QRows != 0 || k <= 0 || len(w) < rows*k {
		return nil, fmt.Errorf("gemm: int8 convolution of %d filters of %d values (want a multiple of %d filters, %d weights, got %d)", rows, k, QRows, rows*k, len(w))
	}
	q := &QConv{rows: rows, k: k, k4: (k + 3) / 4}
	q.w = make([]int8, rows*q.k4*4)
	q.step, q.sum, q.add = make([]float32, rows), make([]int32, rows), make([]int32, rows)
	q.sc, q.off = make([]float32, rows), make([]float32, rows)
	for r := 0; r < rows; r++ {
		row := w[r*k : (r+1)*k]
		var m float32
		for _, v := range row {
			m = max(m, abs32(v))
		}
		if math.IsInf(float64(m), 0) || m != m {
			return nil, fmt.Errorf("gemm: int8 convolution: filter %d has a weight that is not finite", r)
		}
		if m == 0 {
			continue // all codes 0
		}
		q.step[r] = m / 127
		for j, v := range row {
			c := int8(max(-127, min(127, math.RoundToEven(float64(v/q.step[r])))))
			q.w[q.at(r, j)] = c
			q.sum[r] += int32(c)
		}
		q.add[r] = 128 * q.sum[r]
	}
	return q, nil
}

// at is the index of weight (r, j) in q.w.
func (q *QConv) at(r, j int) int { return ((r/QRows*q.k4+j/4)*QRows+r%QRows)*4 + j%4 }

// ScratchLen is the bytes MulBias needs for n pixels: the coded im2col.
func (q *QConv) ScratchLen(n int) int { return q.k4 * 4 * roundUp(n, qPix) }

// InputCode is the step and zero point of 8-bit codes for inputs in [lo,
// hi]: x is coded round(x/step) + zero, 0 codes as zero exactly.
func InputCode(lo, hi float32) (step float32, zero int32) {
	lo, hi = min(lo, 0), max(hi, 0)
	if hi == lo {
		return 1, 0
	}
	step = (hi - lo) / 255
	zero = int32(max(0, min(255, math.RoundToEven(float64(-lo/step)))))
	return step, zero
}

// MulBias sets out[r*ldo+p], for filters r and pixels p < n, to the
// product of filter r's codes with the im2col col (k x n, rows ldc apart)
// coded for inputs in [lo, hi], as float32 plus bias[r], clamped at 0 when
// relu. lo and hi must bound every value of col (MinMax of the layer's
// input) and be finite; scratch holds ScratchLen(n) bytes.
func (q *QConv) MulBias(n int, col []float32, ldc int, lo, hi float32, bias []float32, relu bool, out []float32, ldo int, scratch []uint8) {
	q.mulBias(n, col, ldc, lo, hi, bias, relu, out, ldo, scratch, hasQConv)
}

func (q *QConv) mulBias(n int, col []float32, ldc int, lo, hi float32, bias []float32, relu bool, out []float32, ldo int, scratch []uint8, vector bool) {
	if n <= 0 {
		return
	}
	_ = col[(q.k-1)*ldc+n-1]
	_ = out[(q.rows-1)*ldo+n-1]
	_ = bias[q.rows-1]
	x := scratch[:q.ScratchLen(n)]
	step, zero := InputCode(lo, hi)
	inv, zf := 1/step, float32(zero)
	// out = sc*acc + off with acc = sum of w*(code - zero) + zero*sum(w)
	// taken out: sc = step*step_r, off = bias - sc*zero*sum_r.
	for r := range q.rows {
		q.sc[r] = step * q.step[r]
		q.off[r] = bias[r] - q.sc[r]*float32(zero*q.sum[r])
	}
	lower := float32(math.Inf(-1))
	if relu {
		lower = 0
	}
	ldx := 4 * roundUp(n, qPix)
	if vector {
		q.vector(n, col, ldc, inv, zf, x, ldx, lower, out, ldo)
		return
	}
	q.packGo(0, n, col, ldc, inv, zf, x, ldx, 0)
	for r := 0; r < q.rows; r++ {
		for p := 0; p < n; p++ {
			var acc int32
			for j4 := 0; j4 < q.k4; j4++ {
				for t := 0; t < 4; t++ {
					acc += int32(q.w[q.at(r, 4*j4+t)]) * int32(x[j4*ldx+4*p+t])
				}
			}
			out[r*ldo+p] = max(float32(float32(acc)*q.sc[r])+q.off[r], lower)
		}
	}
}

// packGo codes pixels p0 to p1 of col into x in the vector kernels'
// layout: per 4 rows, per pixel, the 4 rows' codes, XORed with flip (0x80
// makes them the signed codes code - 128); rows past k code as 0 (their
// weights are 0).
func (q *QConv) packGo(p0, p1 int, col []float32, ldc int, inv, zf float32, x []uint8, ldx int, flip uint8) {
	for j4 := 0; j4 < q.k4; j4++ {
		for p := p0; p < p1; p++ {
			for t := 0; t < 4; t++ {
				var c uint8
				if j := 4*j4 + t; j < q.k {
					c = code(col[j*ldc+p], inv, zf) ^ flip
				}
				x[j4*ldx+4*p+t] = c
			}
		}
	}
}

// code is one input's 8-bit code, rounded as VCVTPS2DQ rounds (to
// nearest, ties to even) after a rounded multiply and add.
func code(v, inv, zf float32) uint8 {
	c := math.RoundToEven(float64(float32(v*inv) + zf))
	return uint8(max(0, min(255, c)))
}

// MinMax returns the smallest and largest of x and whether every value is
// finite (a NaN or an infinity makes the integer product meaningless).
func MinMax(x []float32) (lo, hi float32, finite bool) {
	if len(x) == 0 {
		return 0, 0, true
	}
	lo, hi = x[0], x[0]
	var sum float32
	done := 0
	if hasMinMax16 && len(x) >= 16 {
		done = len(x) / 16 * 16
		lo, hi, sum = minMax16(done/16, &x[0])
	}
	for _, v := range x[done:] {
		lo, hi = min(lo, v), max(hi, v)
		sum += v
	}
	return lo, hi, !math.IsNaN(float64(sum-sum)) && !math.IsNaN(float64(lo)) && !math.IsNaN(float64(hi))
}

// HasQConv says whether the integer convolution's vector kernels run
// here (AVX512-VNNI, or arm64's dot product); elsewhere MulBias runs in
// plain Go, far slower than float32.
func HasQConv() bool { return hasQConv }
