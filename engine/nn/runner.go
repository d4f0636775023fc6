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
	opt    Options
	shapes []Shape
	steps  []step
	ping   []float32
	pong   []float32
	col    []float32
	codes  []uint8 // an int8 conv's coded im2col
	// ForwardBatch's buffers, sized on first use.
	bping, bpong, bcol, bmid, bout []float32
}

// Options are the choices of NewRunnerOptions.
type Options struct {
	// Conv is the algorithm of every 3x3 conv layer. ConvAuto picks per
	// layer by shape; a Winograd choice applies to 3x3 layers only,
	// the others run direct.
	Conv ConvAlgo
	// MinChannels keeps layers with fewer input channels direct under a
	// Winograd choice; 0 applies it to every 3x3 layer.
	MinChannels int
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
	algo   ConvAlgo    // conv only: ConvDirect, a Winograd variant or ConvInt8
	wino   *winograd   // set for a Winograd conv
	qconv  *gemm.QConv // set for an int8 conv (packed stays, for non-finite inputs)
}

// NewRunner checks the stack, packs its conv weights and sizes the buffers.
func NewRunner(s *Stack) (*Runner, error) {
	return NewRunnerOptions(s, Options{})
}

// NewRunnerOptions is NewRunner with a choice of algorithms.
func NewRunnerOptions(s *Stack, opt Options) (*Runner, error) {
	if opt.Conv > ConvInt8 {
		return nil, fmt.Errorf("nn: %v", opt.Conv)
	}
	r := &Runner{stack: s, opt: opt}
	if err := r.plan(); err != nil {
		return nil, err
	}
	return r, nil
}

// Repack reads the stack's layers and weights again: call it after
// changing them. On error the Runner is unchanged.
func (r *Runner) Repack() error {
	n := &Runner{stack: r.stack, opt: r.opt}
	if err := n.plan(); err != nil {
		return err
	}
	// Keep the buffers when they are large enough.
	n.ping, n.pong, n.col = fit(r.ping, len(n.ping)), fit(r.pong, len(n.pong)), fit(r.col, len(n.col))
	if cap(r.codes) >= len(n.codes) {
		n.codes = r.codes[:len(n.codes)]
	}
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
	maxAct, maxCol, maxCodes := s.In.Len(), 0, 0
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
			// i is past a folded ReLU already.
			pooled := i+1 < len(s.Layers) && s.Layers[i+1].Op == OpMaxPool && s.Layers[i+1].Size == 2
			st.algo = chooseConv(r.opt, l, in, pooled)
		}
		if st.algo == ConvWinograd2 || st.algo == ConvWinograd4 {
			mats := &winoF2
			if st.algo == ConvWinograd4 {
				mats = &winoF4
			}
			// A 2x2 max-pool right after is taken into the output
			// transform: the full-size output is never stored.
			pool := i+1 < len(s.Layers) && s.Layers[i+1].Op == OpMaxPool && s.Layers[i+1].Size == 2
			if pool {
				i++
				st.out = shapes[i]
			}
			if st.wino, err = newWinograd(mats, l, in, pool); err != nil {
				return fmt.Errorf("nn: layer %d: %w", st.layer, err)
			}
			st.pitch = st.out.W
			size = st.out.Len()
			maxCol = max(maxCol, st.wino.scratch())
		} else if l.Op == OpConv {
			rows, cols := l.WeightShape(in)
			if st.packed, err = gemm.Pack(false, rows, cols, l.W, cols); err != nil {
				return fmt.Errorf("nn: layer %d: %w", i, err)
			}
			if st.algo == ConvInt8 {
				// Weights that cannot be coded keep the layer in float32.
				if st.qconv, err = gemm.NewQConv(rows, cols, l.W); err != nil {
					st.algo, st.qconv = ConvDirect, nil
				} else {
					maxCodes = max(maxCodes, st.qconv.ScratchLen(st.out.H*st.out.W))
				}
			}
			// Without a vector kernel for im2col, a wide
			// output grid pays off when the next layer pools: the pool
			// reads the rows where they lie, so the thrown-away columns
			// cost only their share of the product.
			st.wide = l.Size > 1 && !gemm.VectorIm2Col(st.out.W) && i+1 < len(s.Layers) && s.Layers[i+1].Op == OpMaxPool && st.qconv == nil
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
	r.codes = make([]uint8, maxCodes)
	return nil
}

// ConvAlgo is the algorithm the Runner uses for layer i: ConvDirect, a
// Winograd variant or ConvInt8 for a conv layer, ConvAuto for any other.
func (r *Runner) ConvAlgo(i int) ConvAlgo {
	for _, st := range r.steps {
		if st.layer == i && st.op == OpConv {
			return st.algo
		}
	}
	return ConvAuto
}

// ConvAlgos are the algorithms of the Runner's conv layers, in order.
func (r *Runner) ConvAlgos() ConvAlgos {
	var a ConvAlgos
	for _, st := range r.steps {
		if st.op == OpConv {
			a = append(a, st.algo)
		}
	}
	return a
}

// chooseConv settles the algorithm of one conv layer on input in, pooled
// when a 2x2 max-pool follows it (after its ReLU, if any).
func chooseConv(opt Options, l Layer, in Shape, pooled bool) ConvAlgo {
	if opt.Conv == ConvInt8 {
		if in.C >= opt.MinChannels && gemm.HasQConv() && l.Out%gemm.QRows == 0 {
			return ConvInt8
		}
		opt.Conv = ConvAuto
	}
	if l.Size != 3 || in.C < opt.MinChannels {
		return ConvDirect
	}
	switch want := opt.Conv; want {
	case ConvDirect, ConvWinograd2, ConvWinograd4:
		return want
	}
	// The transforms cost per input and output channel what the products
	// save per pair of them: with few channels (conv1 on a grey image)
	// direct wins. Only the vector kernels beat direct (BenchmarkConvAlgo).
	if in.C >= autoMinChannels && pooled && vectorWinograd(l, in) {
		return ConvWinograd4
	}
	return ConvDirect
}

// Out is the output shape of the whole stack.
func (r *Runner) Out() Shape { return r.shapes[len(r.shapes)-1] }

// Forward runs the stack on in (len In.Len()) and returns the output. The
// returned slice is owned by the Runner and valid until the next call.
func (r *Runner) Forward(in []float32) ([]float32, error) {
	if len(in) != r.stack.In.Len() {
		return nil, fmt.Errorf("nn: input has %d values, the stack takes %v = %d", len(in), r.stack.In, r.stack.In.Len())
	}
	return r.forwardFrom(0, in, r.stack.In.W), nil
}

// forwardFrom runs steps first, first+1, ... on cur, the input of step
// first as one image with rows pitch apart.
func (r *Runner) forwardFrom(first int, cur []float32, pitch int) []float32 {
	bufs := [2][]float32{r.ping, r.pong}
	for i := first; i < len(r.steps); i++ {
		st := &r.steps[i]
		out := bufs[i%2][:st.out.C*st.out.H*st.pitch]
		l := &r.stack.Layers[st.layer]
		switch st.op {
		case OpConv:
			if st.wino != nil {
				st.wino.run(out, cur, r.col, st.bias, st.relu)
				break
			}
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
	return cur
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
	if st.qconv != nil {
		// The codes need the input's range; a NaN or an infinity has
		// none, and runs in float32.
		if lo, hi, ok := gemm.MinMax(in[:st.in.Len()]); ok {
			st.qconv.MulBias(n, col, n, lo, hi, st.bias, st.relu, out, n, r.codes)
			return
		}
	}
	// Shapes were checked when the Runner was built; an error is a bug.
	if err := st.packed.MulBias(n, col, n, st.bias, st.relu, out, n); err != nil {
		panic(err)
	}
}
