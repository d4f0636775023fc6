package engine

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// projCodes is a projection whose rows are exact int8 codes times a scale
// (as an engine file stores it with int8 weights), kept as int16 codes for
// gemm.DotsInt16: the product then reads 77 KB of codes instead of 154 KB
// of float32 for the default engine's 24 x 1600, and the input is
// quantised to 16 bits (a step of max|x|/32767) on the way in.
type projCodes struct {
	rows, k int       // Out rounded up to 4, In rounded up to gemm.QBlock
	codes   []int16   // rows x k, zero past Out and In
	scale   []float32 // per row
	mean    []float32 // In values: the projection's mean, or zeros
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
	q.codes = make([]int16, q.rows*q.k)
	q.scale = make([]float32, q.rows)
	for r := 0; r < p.Out; r++ {
		row := p.W[r*p.In : (r+1)*p.In]
		var m float32
		for _, v := range row {
			m = max(m, float32(math.Abs(float64(v))))
		}
		s := m / 127
		for j, v := range row {
			if s == 0 {
				break
			}
			c := math.Round(float64(v / s))
			// Only codes (to an ulp of the scale): anything else keeps
			// the float32 product.
			if c < -127 || c > 127 || math.Abs(c*float64(s)-float64(v)) > 1e-6*float64(m) {
				return nil
			}
			q.codes[r*q.k+j] = int16(c)
		}
		q.scale[r] = s
	}
	q.mean = p.Mean
	if len(q.mean) == 0 {
		q.mean = make([]float32, p.In)
	}
	return q
}

// projScratch is a session's buffers for the integer product.
type projScratch struct {
	d   []float32
	x   []int16
	acc []int32
}

// apply writes the projection of x into out through the integer product.
func (q *projCodes) apply(out, x []float32, sc *projScratch, in int) {
	if len(sc.x) != q.k {
		sc.d, sc.x, sc.acc = make([]float32, in), make([]int16, q.k), make([]int32, q.rows)
	}
	step := gemm.QuantizeInt16(in, x, q.mean, sc.d, sc.x)
	gemm.DotsInt16(q.rows, q.k, q.codes, q.k, sc.x, sc.acc)
	for r := range out {
		out[r] = float32(float64(sc.acc[r]) * float64(q.scale[r]) * float64(step))
	}
}
