package cuda

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Ops as the shim numbers them (CKS_* in shim.h); they equal nn's.
const (
	opConv    = 1
	opReLU    = 2
	opMaxPool = 3
	opDense   = 4
	opSoftmax = 5
)

// buffer is one device allocation: n floats, uploaded from host if set.
type buffer struct {
	host []float32
	n    int
}

// step is one kernel launch: dims are the input's C, H, W, then the
// filters or units F and the kernel or pool size K.
type step struct {
	op, in, out, w, b int
	dims              [5]int
	threads           int
}

// plan lays a stack out as device buffers and launches. Buffer 0 is the
// input; the last step's output is the result.
func plan(s *nn.Stack) ([]buffer, []step, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return nil, nil, fmt.Errorf("cuda: %w", err)
	}
	if len(s.Layers) == 0 {
		return nil, nil, fmt.Errorf("cuda: empty network")
	}
	bufs := []buffer{{n: s.In.Len()}}
	add := func(host []float32, n int) int {
		bufs = append(bufs, buffer{host: host, n: n})
		return len(bufs) - 1
	}
	var steps []step
	in, sh := 0, s.In
	for i, l := range s.Layers {
		o := shapes[i]
		st := step{in: in, w: -1, b: -1, dims: [5]int{sh.C, sh.H, sh.W, l.Out, l.Size}, threads: o.Len()}
		switch l.Op {
		case nn.OpConv, nn.OpDense:
			rows, cols := l.WeightShape(sh)
			if len(l.W) != rows*cols || len(l.B) != rows {
				return nil, nil, fmt.Errorf("cuda: layer %d (%v): %d weights and %d biases, want %d and %d",
					i, l.Op, len(l.W), len(l.B), rows*cols, rows)
			}
			st.op = opConv
			if l.Op == nn.OpDense {
				st.op = opDense
			}
			st.w, st.b = add(l.W, len(l.W)), add(l.B, len(l.B))
		case nn.OpReLU:
			st.op = opReLU
		case nn.OpMaxPool:
			st.op = opMaxPool
		case nn.OpSoftmax:
			st.op, st.threads = opSoftmax, 1
		default:
			return nil, nil, fmt.Errorf("cuda: layer %d: operation %v has no kernel", i, l.Op)
		}
		st.out = add(nil, o.Len())
		steps = append(steps, st)
		in, sh = st.out, o
	}
	return bufs, steps, nil
}
