package engine

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// projCodes is a projection whose rows are exact int8 codes times a scale
// (as an engine file stores it with int8 weights), kept as int16 codes for
// gemm.DotsInt16: the product then reads 77 KB of codes instead of 154 KB
// of float32 for a 24 x 1600 projection, and the input is quantised to 16
// bits (a step of max|x - mean|/32767) on the way in.
//
// Without a mean to subtract the input is usually >= 0 (a ReLU and max-pool
// end the stack): it is then coded to 16 unsigned bits, split into bytes,
// against int8 codes (gemm.DotsU16), which reads half the bytes again;
// a negative input takes the float32 product.
type projCodes struct {
	rows, k int       // Out rounded up to 4, In rounded up to gemm.QBlock
	codes   []int16   // rows x k, zero past Out and In; with a mean only
	codes8  []int8    // the same as int8, without a mean
	scale   []float32 // per row
	mean    []float32 // In values: the projection's mean
}

// maxCodeSum bounds In so that no lane of the int16 product overflows:
// each of its 16 int32 lanes adds In/16 products of at most 127 * 32767.
const maxCodeSum = math.MaxInt32 / (127 * 32767) * 16

// codes returns the integer form of p, or nil where it does not apply
// (weights that are not int8 codes, no such kernel on this machine).
func (p *Projection) codes() *projCodes {
	p.once.Do(func() { p.q = newProjCodes(p) })
	return p.q
}

func newProjCodes(p *Projection) *projCodes {
	if !gemm.HasDotsInt16() || p.In <= 0 || p.Out <= 0 || p.In > maxCodeSum || len(p.W) != p.In*p.Out {
		return nil
	}
	q := &projCodes{rows: (p.Out + 3) / 4 * 4, k: (p.In + gemm.QBlock - 1) / gemm.QBlock * gemm.QBlock}
	codes8 := make([]int8, q.rows*q.k)
	q.scale = make([]float32, q.rows)
	for r := 0; r < p.Out; r++ {
		row, dst := p.W[r*p.In:(r+1)*p.In], codes8[r*q.k:r*q.k+p.In]
		// The file's own int8 rule; only weights it reproduces (to an ulp
		// of the scale) take the integer product.
		s := quantizeRow(dst, row)
		m := 127 * float64(s)
		for j, v := range row {
			if math.Abs(float64(dst[j])*float64(s)-float64(v)) > 1e-6*m {
				return nil
			}
		}
		q.scale[r] = s
	}
	if len(p.Mean) == 0 {
		q.codes8 = codes8
		return q
	}
	q.codes, q.mean = make([]int16, len(codes8)), p.Mean
	for i, c := range codes8 {
		q.codes[i] = int16(c)
	}
	return q
}

// projScratch is a session's buffers for the integer product.
type projScratch struct {
	d      []float32
	x      []int16
	lo, hi []uint8
	acc    []int32
}

// apply writes the projection of x into out through the integer product
// and reports whether it could (false: an input below 0 without a mean;
// out is then untouched).
func (q *projCodes) apply(out, x []float32, sc *projScratch, in int) bool {
	if len(sc.acc) != 2*q.rows {
		sc.d, sc.x, sc.acc = make([]float32, in), make([]int16, q.k), make([]int32, 2*q.rows)
		sc.lo, sc.hi = make([]uint8, q.k), make([]uint8, q.k)
	}
	if q.codes8 != nil {
		step, ok := gemm.SplitU16(in, x, sc.lo, sc.hi)
		if !ok {
			return false
		}
		gemm.DotsU16(q.rows, q.k, q.codes8, q.k, sc.lo, sc.hi, sc.acc)
		for r := range out {
			out[r] = float32(float64(gemm.RowU16(sc.acc, r)) * float64(q.scale[r]) * float64(step))
		}
		return true
	}
	step := gemm.QuantizeInt16(in, x, q.mean, sc.d, sc.x)
	gemm.DotsInt16(q.rows, q.k, q.codes, q.k, sc.x, sc.acc)
	for r := range out {
		out[r] = float32(float64(sc.acc[r]) * float64(q.scale[r]) * float64(step))
	}
	return true
}
