package train

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Col2Im is the adjoint of nn.Im2Col: it adds every column entry of col
// back onto the input position it was copied from. in (shape s) must be
// zeroed by the caller when it should hold only this gradient.
func Col2Im(in, col []float32, s nn.Shape, k int) {
	oh, ow := s.H-k+1, s.W-k+1
	n := oh * ow
	for c := 0; c < s.C; c++ {
		plane := in[c*s.H*s.W : (c+1)*s.H*s.W]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[((c*k+ky)*k+kx)*n:][:n]
				for oy := 0; oy < oh; oy++ {
					dst := plane[(oy+ky)*s.W+kx:][:ow]
					src := row[oy*ow : (oy+1)*ow]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
		}
	}
}

// ConvBackward accumulates the weight and bias gradients of a conv layer
// for one image and, if din is not nil, writes the input gradient into it.
// in is the layer's input (shape s), dout its output gradient, col and dcol
// scratch of s.C*k*k*oh*ow values.
func ConvBackward(dw, db, din, in, dout []float32, s nn.Shape, l nn.Layer, col, dcol []float32) {
	k := l.Size
	oh, ow := s.H-k+1, s.W-k+1
	n, kk := oh*ow, s.C*k*k
	col, dcol = col[:kk*n], dcol[:kk*n]
	nn.Im2Col(col, in, s, k)
	gemm.Sgemm(false, true, l.Out, kk, n, 1, dout, n, col, n, 1, dw, kk)
	for f := 0; f < l.Out; f++ {
		var sum float32
		for _, v := range dout[f*n : (f+1)*n] {
			sum += v
		}
		db[f] += sum
	}
	if din == nil {
		return
	}
	gemm.Sgemm(true, false, kk, n, l.Out, 1, l.W, kk, dout, n, 0, dcol, n)
	clear(din[:s.Len()])
	Col2Im(din, dcol, s, k)
}

// DenseForward computes out = X W^T + B for nb input rows of X at once.
func DenseForward(out, x []float32, nb int, l nn.Layer) {
	in := len(l.W) / l.Out
	for j := 0; j < nb; j++ {
		copy(out[j*l.Out:(j+1)*l.Out], l.B)
	}
	gemm.Sgemm(false, true, nb, l.Out, in, 1, x, in, l.W, in, 1, out, l.Out)
}

// DenseBackward accumulates dW += dOut^T X and dB += column sums of dOut
// for nb rows, and writes dX = dOut W if dx is not nil.
func DenseBackward(dw, db, dx, x, dout []float32, nb int, l nn.Layer) {
	in := len(l.W) / l.Out
	gemm.Sgemm(true, false, l.Out, in, nb, 1, dout, l.Out, x, in, 1, dw, in)
	for j := 0; j < nb; j++ {
		for o, v := range dout[j*l.Out : (j+1)*l.Out] {
			db[o] += v
		}
	}
	if dx != nil {
		gemm.Sgemm(false, false, nb, in, l.Out, 1, dout, l.Out, l.W, in, 0, dx, in)
	}
}

// MaxPoolArg is nn.MaxPool that also records, for every output, the index
// into in of the value it took (the first maximum in row-major order).
func MaxPoolArg(out []float32, arg []int32, in []float32, s nn.Shape, k int) {
	oh, ow := s.H/k, s.W/k
	for c := 0; c < s.C; c++ {
		base := c * s.H * s.W
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				m, at := float32(math.Inf(-1)), base+oy*k*s.W+ox*k
				for ky := 0; ky < k; ky++ {
					row := base + (oy*k+ky)*s.W + ox*k
					for kx, v := range in[row : row+k] {
						if v > m {
							m, at = v, row+kx
						}
					}
				}
				o := (c*oh+oy)*ow + ox
				out[o], arg[o] = m, int32(at)
			}
		}
	}
}

// MaxPoolBackward routes each output gradient to the input that won the
// window; every other input (remainder rows and columns included) gets 0.
func MaxPoolBackward(din, dout []float32, arg []int32, inLen int) {
	clear(din[:inLen])
	for o, g := range dout {
		din[arg[o]] += g
	}
}

// ReLUBackward passes the gradient where the ReLU's output is positive.
func ReLUBackward(din, dout, out []float32) {
	for i, v := range out {
		if v > 0 {
			din[i] = dout[i]
		} else {
			din[i] = 0
		}
	}
}
