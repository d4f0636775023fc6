package nn

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// Im2Col lays the Size x Size patches of in out as the columns of col:
// row (c*k+ky)*k+kx, column oy*ow+ox holds in[c][oy+ky][ox+kx]. It is one
// call of gemm.Im2Col, a vector kernel on amd64.
func Im2Col(col, in []float32, s Shape, k int) {
	oh, ow := s.H-k+1, s.W-k+1
	// Shapes were checked by the caller; an error is a bug.
	if err := gemm.Im2Col(col, in, s.C, k, oh, ow, s.W, s.H*s.W); err != nil {
		panic(err)
	}
}

// im2colWide is Im2Col for an output grid as wide as the input: row
// (c*k+ky)*k+kx, column oy*s.W+x holds in[c][oy+ky][x+kx] for x < ow, and
// values of no use for x >= ow. Each row of col is then one run of in,
// so the whole layout is C*k*k copies instead of C*k*k*oh short ones; the
// product computes s.W-ow columns per output row that are thrown away.
func im2colWide(col, in []float32, s Shape, k int) {
	n := (s.H - k + 1) * s.W
	hw := s.H * s.W
	in = in[:s.C*hw]
	for c := 0; c < s.C; c++ {
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[((c*k+ky)*k+kx)*n:][:n]
				// The last channel's last run ends k-1 values past the
				// tensor, inside the columns thrown away.
				m := copy(row, in[c*hw+ky*s.W+kx:])
				clear(row[m:])
			}
		}
	}
}

// Conv computes a valid, stride-1 convolution of in (shape s) into out as
// im2col followed by one matrix multiply. col is scratch of at least
// s.C*k*k*oh*ow values. A Runner does the same with weights packed once.
func Conv(out, in []float32, s Shape, l Layer, col []float32) {
	k := l.Size
	oh, ow := s.H-k+1, s.W-k+1
	n, kk := oh*ow, s.C*k*k
	col = col[:kk*n]
	Im2Col(col, in, s, k)
	// The bias is written with each output tile, not in a pass of its own.
	// Shapes were checked when the stack was built; an error is a bug.
	if err := gemm.MulBias(l.Out, n, kk, l.W, kk, col, n, l.B, false, out, n); err != nil {
		panic(err)
	}
}

// Dense computes out = W*in + B.
func Dense(out, in []float32, l Layer) {
	copy(out, l.B)
	gemm.Sgemm(false, false, l.Out, 1, len(in), 1, l.W, len(in), in, 1, 1, out, 1)
}

// ReLU writes max(0, x) for every x of in; NaN stays NaN. out may be in.
// There is no branch per value: on a layer's output the sign is a coin
// flip, and a branch would mispredict half the time.
func ReLU(out, in []float32) {
	out = out[:len(in)]
	for i, v := range in {
		out[i] = max(v, 0)
	}
}

// MaxPool takes the maximum of every non-overlapping k x k window per
// channel; a window holding NaN gives NaN, as Go's max does.
func MaxPool(out, in []float32, s Shape, k int) {
	maxPool(out, in, s, s.W, k)
}

// maxPool is MaxPool on a tensor whose rows are pitch values apart (pitch
// >= s.W; the values past s.W in each row are not read).
func maxPool(out, in []float32, s Shape, pitch, k int) {
	oh, ow := s.H/k, s.W/k
	plane := s.H * pitch
	if k == 2 {
		// The 2 x 2 window of both topologies: all channels in one call
		// of the vector kernel. Shapes were checked when the stack was
		// built; an error is a bug.
		if err := gemm.MaxPool2x2(out, in, s.C, oh, ow, pitch, plane); err != nil {
			panic(err)
		}
		return
	}
	for c := 0; c < s.C; c++ {
		src := in[c*plane : (c+1)*plane]
		dst := out[c*oh*ow : (c+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				m := src[oy*k*pitch+ox*k]
				for ky := 0; ky < k; ky++ {
					for _, v := range src[(oy*k+ky)*pitch+ox*k:][:k] {
						m = max(m, v)
					}
				}
				dst[oy*ow+ox] = m
			}
		}
	}
}

// Softmax writes the normalised exponentials of in, shifted by the maximum
// so that large logits do not overflow.
func Softmax(out, in []float32) {
	m := float32(math.Inf(-1))
	for _, v := range in {
		m = max(m, v)
	}
	var sum float64
	for i, v := range in {
		e := math.Exp(float64(v - m))
		out[i] = float32(e)
		sum += e
	}
	for i := range out[:len(in)] {
		out[i] = float32(float64(out[i]) / sum)
	}
}
