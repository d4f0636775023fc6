package gemm

import "math"

// Integer dot products for products whose operands are exact small
// integers times a scale, such as a projection stored as int8 codes: one
// AVX512-VNNI instruction does 32 int16 multiply-adds into int32 where
// the float32 kernels stream four times the bytes.

// QBlock is the length DotsInt16 takes rows in: k a multiple of it.
const QBlock = 64

// DotsInt16 sets y[i] = row i of a · x, exactly in int32, for rows a
// multiple of 4 and k a multiple of QBlock (rows lda apart); no partial
// sum may overflow int32, which the caller bounds (each of 16 lanes adds
// k/16 products). It reports false, and leaves y alone, where this build
// or CPU has no such kernel; the float32 path is then the fast one.
func DotsInt16(rows, k int, a []int16, lda int, x []int16, y []int32) bool {
	if rows <= 0 || rows%4 != 0 || k <= 0 || k%QBlock != 0 || !hasDotsInt16 {
		return false
	}
	_ = a[(rows-1)*lda+k-1]
	_ = x[k-1]
	_ = y[rows-1]
	dotsInt16(rows/4, k/QBlock, &a[0], lda, &x[0], &y[0])
	return true
}

// DotsInt16Go is DotsInt16 in plain Go, for tests and other machines.
func DotsInt16Go(rows, k int, a []int16, lda int, x []int16, y []int32) {
	for i := 0; i < rows; i++ {
		var s int32
		for j, v := range a[i*lda : i*lda+k] {
			s += int32(v) * int32(x[j])
		}
		y[i] = s
	}
}

// HasDotsInt16 says whether DotsInt16 runs here.
func HasDotsInt16() bool { return hasDotsInt16 }

// QuantizeInt16 sets d = x - mean and q = d / step rounded to the nearest
// integer (ties to even), for the step max|d|/32767 it returns, over n
// values with q zero past n up to len(q); a step of 0 means d is all zero.
// With DotsInt16 it is the input side of an integer product.
func QuantizeInt16(n int, x, mean, d []float32, q []int16) float32 {
	x, mean, d = x[:n], mean[:n], d[:n]
	done := 0
	var m float32
	if hasDotsInt16 && n >= 16 {
		done = n / 16 * 16
		m = maxAbsDiff(done/16, &x[0], &mean[0], &d[0])
	}
	for i := done; i < n; i++ {
		d[i] = x[i] - mean[i]
		m = max(m, abs32(d[i]))
	}
	clear(q[n:])
	if m == 0 {
		clear(q[:n])
		return 0
	}
	step := m / 32767
	inv := 32767 / m
	done = 0
	if hasDotsInt16 && n >= 16 {
		done = n / 16 * 16
		quantInt16(done/16, &d[0], inv, &q[0])
	}
	for i := done; i < n; i++ {
		q[i] = int16(roundEven(d[i] * inv))
	}
	return step
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// roundEven rounds half to even, as the vector conversion does, and
// clamps to the int16 range.
func roundEven(v float32) float32 {
	r := float32(math.RoundToEven(float64(v)))
	return min(max(r, -32768), 32767)
}

// DotsU16 sets raw to the products of rows of int8 codes a (rows a
// multiple of 4, k of QBlock, lda apart) with an input of 16-bit unsigned
// codes given as its low and high bytes (see SplitU16): for each group of
// four rows, their four low-byte sums and then their four high-byte sums
// (2*rows values; RowU16 adds them up). It reads half the bytes of
// DotsInt16 for the same codes. It reports false where there is no such
// kernel.
func DotsU16(rows, k int, a []int8, lda int, lo, hi []uint8, raw []int32) bool {
	if rows <= 0 || rows%4 != 0 || k <= 0 || k%QBlock != 0 || !hasDotsInt16 {
		return false
	}
	_ = a[(rows-1)*lda+k-1]
	_, _ = lo[k-1], hi[k-1]
	_ = raw[2*rows-1]
	dotsU16S8(rows/4, k/QBlock, &a[0], lda, &lo[0], &hi[0], &raw[0])
	return true
}

// RowU16 is row i's product from DotsU16's raw sums.
func RowU16(raw []int32, i int) int64 {
	g, r := i/4, i%4
	return int64(raw[8*g+r]) + 256*int64(raw[8*g+4+r])
}

// SplitU16 codes x[:n] (all >= 0) as round(x/step) for the step
// max(x)/65535 it returns, the codes' low and high bytes in lo and hi
// (zero past n). ok is false, and nothing written, when some x is
// negative; a step of 0 means x is all zero.
func SplitU16(n int, x []float32, lo, hi []uint8) (step float32, ok bool) {
	x = x[:n]
	var mn, mx float32
	done := 0
	if hasDotsInt16 && n >= 16 {
		done = n / 16 * 16
		mn, mx = rangeF32(done/16, &x[0])
	} else if n > 0 {
		mn, mx = x[0], x[0]
	}
	for _, v := range x[done:] {
		mn, mx = min(mn, v), max(mx, v)
	}
	if mn < 0 {
		return 0, false
	}
	clear(lo[n:])
	clear(hi[n:])
	if mx == 0 {
		clear(lo[:n])
		clear(hi[:n])
		return 0, true
	}
	inv := 65535 / mx
	done = 0
	if hasDotsInt16 && n >= 16 {
		done = n / 16 * 16
		splitU16(done/16, &x[0], inv, &lo[0], &hi[0])
	}
	for i := done; i < n; i++ {
		c := uint16(min(math.RoundToEven(float64(x[i]*inv)), 65535))
		lo[i], hi[i] = uint8(c), uint8(c>>8)
	}
	return mx / 65535, true
}

// DotsU16Go is DotsU16's sum for row i in plain Go, for tests.
func DotsU16Go(k int, row []int8, lo, hi []uint8) int64 {
	var s int64
	for j := 0; j < k; j++ {
		s += int64(row[j]) * (int64(lo[j]) + 256*int64(hi[j]))
	}
	return s
}
