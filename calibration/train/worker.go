package train

import (
	"math"

	"github.com/sliced-ai/sliced/engine/nn"
)

// worker owns the activations and gradients of one slice of a mini-batch.
type worker struct {
	stack  *nn.Stack
	shapes []nn.Shape // shapes[0] is the input, shapes[i+1] the output of layer i
	drop   []float32  // dropout rate after layer i, 0 for none
	cap    int        // most images per call

	acts  [][]float32 // acts[i]: cap x shapes[i].Len()
	masks [][]float32 // dropout scale per value, for layers with dropout
	args  [][]int32   // max-pool winners
	dw    [][]float32
	db    [][]float32
	delta [2][]float32
	col   []float32
	dcol  []float32

	loss    float64
	correct int
}

func newWorker(s *nn.Stack, outs []nn.Shape, drop []float32, capacity int) *worker {
	w := &worker{stack: s, drop: drop, cap: capacity}
	w.shapes = append([]nn.Shape{s.In}, outs...)
	L := len(s.Layers)
	w.acts = make([][]float32, L+1)
	w.masks = make([][]float32, L)
	w.args = make([][]int32, L)
	w.dw = make([][]float32, L)
	w.db = make([][]float32, L)
	maxLen, maxCol := 0, 0
	for i, sh := range w.shapes {
		w.acts[i] = make([]float32, capacity*sh.Len())
		maxLen = max(maxLen, sh.Len())
		if i == L {
			break
		}
		l := s.Layers[i]
		if drop[i] > 0 {
			w.masks[i] = make([]float32, capacity*w.shapes[i+1].Len())
		}
		switch l.Op {
		case nn.OpMaxPool:
			w.args[i] = make([]int32, capacity*w.shapes[i+1].Len())
		case nn.OpConv:
			o := w.shapes[i+1]
			maxCol = max(maxCol, sh.C*l.Size*l.Size*o.H*o.W)
		}
		if len(l.W) > 0 {
			w.dw[i] = make([]float32, len(l.W))
			w.db[i] = make([]float32, len(l.B))
		}
	}
	w.delta[0] = make([]float32, capacity*maxLen)
	w.delta[1] = make([]float32, capacity*maxLen)
	w.col = make([]float32, maxCol)
	w.dcol = make([]float32, maxCol)
	return w
}

// forward runs nb images (already copied into acts[0]) through the stack.
// With train set, dropout masks are drawn: mask(i, j) gives the generator
// for layer i of image j of this slice.
func (w *worker) forward(nb int, train bool, mask func(layer, img int) *fastRand) {
	for i, l := range w.stack.Layers {
		is, os := w.shapes[i], w.shapes[i+1]
		in, out := w.acts[i][:nb*is.Len()], w.acts[i+1][:nb*os.Len()]
		switch l.Op {
		case nn.OpConv:
			for j := 0; j < nb; j++ {
				nn.Conv(out[j*os.Len():(j+1)*os.Len()], in[j*is.Len():(j+1)*is.Len()], is, l, w.col)
			}
		case nn.OpDense:
			DenseForward(out, in, nb, l)
		case nn.OpReLU:
			nn.ReLU(out, in)
		case nn.OpMaxPool:
			for j := 0; j < nb; j++ {
				MaxPoolArg(out[j*os.Len():(j+1)*os.Len()], w.args[i][j*os.Len():], in[j*is.Len():(j+1)*is.Len()], is, l.Size)
			}
		case nn.OpSoftmax:
			for j := 0; j < nb; j++ {
				nn.Softmax(out[j*os.Len():(j+1)*os.Len()], in[j*is.Len():(j+1)*is.Len()])
			}
		}
		if p := w.drop[i]; p > 0 && train {
			m := w.masks[i][:len(out)]
			keep := float32(1 / (1 - float64(p)))
			for j := 0; j < nb; j++ {
				r := mask(i, j)
				row := m[j*os.Len() : (j+1)*os.Len()]
				for k := range row {
					if r.float32() < p {
						row[k] = 0
					} else {
						row[k] = keep
					}
				}
			}
			for k := range out {
				out[k] *= m[k]
			}
		}
	}
}

// score adds the cross-entropy loss and the number of correct answers of
// the nb softmax outputs to the worker's totals.
func (w *worker) score(nb int, labels []int) {
	L := len(w.stack.Layers)
	n := w.shapes[L].Len()
	p := w.acts[L]
	for j := 0; j < nb; j++ {
		row := p[j*n : (j+1)*n]
		y := labels[j]
		w.loss -= math.Log(math.Max(float64(row[y]), 1e-30))
		best := 0
		for c, v := range row {
			if v > row[best] {
				best = c
			}
		}
		if best == y {
			w.correct++
		}
	}
}

// backward accumulates the gradients of the summed loss of nb images,
// each weighted by scale (1 / batch size), into dw and db. The last layer
// must be a softmax: its gradient with the cross-entropy is p - onehot.
func (w *worker) backward(nb int, labels []int, scale float32) {
	L := len(w.stack.Layers)
	n := w.shapes[L].Len()
	d := w.delta[0][:nb*n]
	copy(d, w.acts[L][:nb*n])
	for j := 0; j < nb; j++ {
		d[j*n+labels[j]] -= 1
	}
	for k := range d {
		d[k] *= scale
	}
	cur := 0
	for i := L - 2; i >= 0; i-- {
		l := w.stack.Layers[i]
		is, os := w.shapes[i], w.shapes[i+1]
		dout := w.delta[cur][:nb*os.Len()]
		din := w.delta[1-cur][:nb*is.Len()]
		if w.drop[i] > 0 {
			for k, m := range w.masks[i][:len(dout)] {
				dout[k] *= m
			}
		}
		needIn := i > 0
		in := w.acts[i][:nb*is.Len()]
		switch l.Op {
		case nn.OpConv:
			for j := 0; j < nb; j++ {
				var dx []float32
				if needIn {
					dx = din[j*is.Len() : (j+1)*is.Len()]
				}
				ConvBackward(w.dw[i], w.db[i], dx, in[j*is.Len():(j+1)*is.Len()], dout[j*os.Len():(j+1)*os.Len()], is, l, w.col, w.dcol)
			}
		case nn.OpDense:
			var dx []float32
			if needIn {
				dx = din
			}
			DenseBackward(w.dw[i], w.db[i], dx, in, dout, nb, l)
		case nn.OpReLU:
			ReLUBackward(din, dout, w.acts[i+1][:nb*os.Len()])
		case nn.OpMaxPool:
			for j := 0; j < nb; j++ {
				MaxPoolBackward(din[j*is.Len():(j+1)*is.Len()], dout[j*os.Len():(j+1)*os.Len()], w.args[i][j*os.Len():(j+1)*os.Len()], is.Len())
			}
		}
		cur = 1 - cur
	}
}

func (w *worker) zeroGrads() {
	for i := range w.dw {
		clear(w.dw[i])
		clear(w.db[i])
	}
	w.loss, w.correct = 0, 0
}
