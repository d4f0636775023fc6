package nn

import (
	"fmt"
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// Runner runs one Stack, reusing its buffers from call to call. It is not
// safe for concurrent use.
type Runner struct {
	stack  *Stack
	shapes []Shape
	ping   []float32
	pong   []float32
	col    []float32
}

// NewRunner checks the stack and sizes the buffers for it.
func NewRunner(s *Stack) (*Runner, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return nil, err
	}
	maxAct, maxCol := s.In.Len(), 0
	in := s.In
	for i, l := range s.Layers {
		maxAct = max(maxAct, shapes[i].Len())
		if l.Op == OpConv {
			o := shapes[i]
			maxCol = max(maxCol, in.C*l.Size*l.Size*o.H*o.W)
		}
		in = shapes[i]
	}
	return &Runner{
		stack:  s,
		shapes: shapes,
		ping:   make([]float32, maxAct),
		pong:   make([]float32, maxAct),
		col:    make([]float32, maxCol),
	}, nil
}

// Out is the output shape of the whole stack.
func (r *Runner) Out() Shape { return r.shapes[len(r.shapes)-1] }

// Forward runs the stack on in (len In.Len()) and returns the output. The
// returned slice is owned by the Runner and valid until the next call.
func (r *Runner) Forward(in []float32) ([]float32, error) {
	if len(in) != r.stack.In.Len() {
		return nil, fmt.Errorf("nn: input has %d values, the stack takes %v = %d", len(in), r.stack.In, r.stack.In.Len())
	}
	cur, curShape := in, r.stack.In
	bufs := [2][]float32{r.ping, r.pong}
	for i, l := range r.stack.Layers {
		outShape := r.shapes[i]
		out := bufs[i%2][:outShape.Len()]
		switch l.Op {
		case OpConv:
			Conv(out, cur, curShape, l, r.col)
		case OpDense:
			Dense(out, cur, l)
		case OpReLU:
			ReLU(out, cur)
		case OpMaxPool:
			MaxPool(out, cur, curShape, l.Size)
		case OpSoftmax:
			Softmax(out, cur)
		}
		cur, curShape = out, outShape
	}
	return cur, nil
}

// Im2Col lays the Size x Size patches of in out as the columns of col:
// row (c*k+ky)*k+kx, column oy*ow+ox holds in[c][oy+ky][ox+kx].
func Im2Col(col, in []float32, s Shape, k int) {
	oh, ow := s.H-k+1, s.W-k+1
	n := oh * ow
	for c := 0; c < s.C; c++ {
		plane := in[c*s.H*s.W : (c+1)*s.H*s.W]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[((c*k+ky)*k+kx)*n:][:n]
				for oy := 0; oy < oh; oy++ {
					copy(row[oy*ow:(oy+1)*ow], plane[(oy+ky)*s.W+kx:])
				}
			}
		}
	}
}

// Conv computes a valid, stride-1 convolution of in (shape s) into out as
// im2col followed by one matrix multiply. col is scratch of at least
// s.C*k*k*oh*ow values.
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

// ReLU writes max(0, x) for every x of in.
func ReLU(out, in []float32) {
	for i, v := range in {
		if v < 0 {
			v = 0
		}
		out[i] = v
	}
}

// MaxPool takes the maximum of every non-overlapping k x k window per channel.
func MaxPool(out, in []float32, s Shape, k int) {
	oh, ow := s.H/k, s.W/k
	for c := 0; c < s.C; c++ {
		plane := in[c*s.H*s.W:]
		dst := out[c*oh*ow:]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				m := float32(math.Inf(-1))
				for ky := 0; ky < k; ky++ {
					r := plane[(oy*k+ky)*s.W+ox*k:][:k]
					for _, v := range r {
						if v > m {
							m = v
						}
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
