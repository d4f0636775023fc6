package nn

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// Runner runs one Stack, reusing its buffers from call to call. It is not
// safe for concurrent use.
//
// NewRunner packs every conv layer's weights once into the layout the
// matrix multiply reads, and folds a ReLU that follows a conv or dense
// layer into that layer's output store. The packed weights are a copy: a
// caller that changes a layer's W or B, or the layers themselves, after
// NewRunner must call Repack (or build a new Runner) before the next
// Forward.
type Runner struct {
	stack  *Stack
	shapes []Shape
	steps  []step
	ping   []float32
	pong   []float32
	col    []float32
}

// step is one unit of work of Forward: a layer, possibly with the ReLU
// after it folded in.
type step struct {
	op     Op
	layer  int   // index in stack.Layers
	in     Shape // input shape
	out    Shape // output shape (of the ReLU when one is folded in)
	relu   bool  // a conv or dense layer followed by ReLU: clamp on store
	wide   bool  // conv on an output grid as wide as its input (im2colWide)
	pitch  int   // distance between output rows in the buffer
	packed *gemm.Packed
	bias   []float32
}

// NewRunner checks the stack, packs its conv weights and sizes the buffers.
func NewRunner(s *Stack) (*Runner, error) {
	r := &Runner{stack: s}
	if err := r.plan(); err != nil {
		return nil, err
	}
	return r, nil
}

// Repack reads the stack's layers and weights again: call it after
// changing them. On error the Runner is unchanged.
func (r *Runner) Repack() error {
	n := &Runner{stack: r.stack}
	if err := n.plan(); err != nil {
		return err
	}
	// Keep the buffers when they are large enough.
	n.ping, n.pong, n.col = fit(r.ping, len(n.ping)), fit(r.pong, len(n.pong)), fit(r.col, len(n.col))
	*r = *n
	return nil
}

func fit(old []float32, n int) []float32 {
	if cap(old) >= n {
		return old[:n]
	}
	return make([]float32, n)
}

func (r *Runner) plan() error {
	s := r.stack
	shapes, err := s.Shapes()
	if err != nil {
		return err
	}
	maxAct, maxCol := s.In.Len(), 0
	in := s.In
	var steps []step
	for i := 0; i < len(s.Layers); i++ {
		l := s.Layers[i]
		st := step{op: l.Op, layer: i, in: in, out: shapes[i]}
		switch l.Op {
		case OpConv, OpDense:
			if i+1 < len(s.Layers) && s.Layers[i+1].Op == OpReLU {
				st.relu = true
				i++ // the ReLU is done by this step
			}
			st.bias = append([]float32(nil), l.B...)
		}
		st.pitch = st.out.W
		size := st.out.Len()
		if l.Op == OpConv {
			rows, cols := l.WeightShape(in)
			if st.packed, err = gemm.Pack(false, rows, cols, l.W, cols); err != nil {
				return fmt.Errorf("nn: layer %d: %w", i, err)
			}
			// Without a vector kernel for im2col, a wide
			// output grid pays off when the next layer pools: the pool
			// reads the rows where they lie, so the thrown-away columns
			// cost only their share of the product.
			st.wide = l.Size > 1 && !gemm.VectorIm2Col(st.out.W) && i+1 < len(s.Layers) && s.Layers[i+1].Op == OpMaxPool
			if st.wide {
				st.pitch = in.W
				size = st.out.C * st.out.H * st.pitch
			}
			if l.Size > 1 {
				maxCol = max(maxCol, cols*st.out.H*st.pitch)
			}
		}
		maxAct = max(maxAct, size)
		steps = append(steps, st)
		in = st.out
	}
	r.shapes, r.steps = shapes, steps
	r.ping = make([]float32, maxAct)
	r.pong = make([]float32, maxAct)
	r.col = make([]float32, maxCol)
	return nil
}

// Out is the output shape of the whole stack.
func (r *Runner) Out() Shape { return r.shapes[len(r.shapes)-1] }

// Forward runs the stack on in (len In.Len()) and returns the output. The
// returned slice is owned by the Runner and valid until the next call.
func (r *Runner) Forward(in []float32) ([]float32, error) {
	if len(in) != r.stack.In.Len() {
		return nil, fmt.Errorf("nn: input has %d values, the stack takes %v = %d", len(in), r.stack.In, r.stack.In.Len())
	}
	cur, pitch := in, r.stack.In.W
	bufs := [2][]float32{r.ping, r.pong}
	for i := range r.steps {
		st := &r.steps[i]
		out := bufs[i%2][:st.out.C*st.out.H*st.pitch]
		l := &r.stack.Layers[st.layer]
		switch st.op {
		case OpConv:
			r.conv(out, cur, st, l.Size)
		case OpDense:
			copy(out, st.bias)
			gemm.Sgemm(false, false, l.Out, 1, len(cur), 1, l.W, len(cur), cur, 1, 1, out, 1)
			if st.relu {
				ReLU(out, out)
			}
		case OpReLU:
			ReLU(out, cur)
		case OpMaxPool:
			maxPool(out, cur, st.in, pitch, l.Size)
		case OpSoftmax:
			Softmax(out, cur)
		}
		cur, pitch = out, st.pitch
	}
	return cur, nil
}

// conv is Conv on the packed weights, with the bias and a folded ReLU
// applied as each output tile is stored. A 1 x 1 kernel needs no im2col:
// the input planes are already the columns.
func (r *Runner) conv(out, in []float32, st *step, k int) {
	n := st.out.H * st.pitch
	col := in
	switch {
	case st.wide:
		col = r.col[:st.packed.Cols()*n]
		im2colWide(col, in, st.in, k)
	case k > 1:
		col = r.col[:st.packed.Cols()*n]
		Im2Col(col, in, st.in, k)
	}
	// Shapes were checked when the Runner was built; an error is a bug.
	if err := st.packed.MulBias(n, col, n, st.bias, st.relu, out, n); err != nil {
		panic(err)
	}
}
