package nn

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// BatchChunk is how many images ForwardBatch runs through the stack at
// once. Each conv layer's product then has the chunk's pixels as columns:
// the packed weights are read once per chunk instead of once per image,
// and the product's ragged right edge (121 pixels an image for conv2 of
// topology B, against a 32-column tile) is paid once per chunk. Larger
// chunks lose again once a layer's patch matrix (288 x 121 values an
// image for that layer) leaves L2: 16 and 32 measured slower than 4 and
// 8, which were level (engine's BenchmarkBatch).
const BatchChunk = 8

// batchPrefix is how many leading steps ForwardBatch runs over a chunk at
// once: direct conv, ReLU and max-pool layers, where im2col has a vector
// kernel. The steps after them (a dense head, a Winograd layer) run image
// by image.
func (r *Runner) batchPrefix() int {
	for i, st := range r.steps {
		switch st.op {
		case OpReLU, OpMaxPool:
		case OpConv:
			k := r.stack.Layers[st.layer].Size
			// An int8 conv codes each image by its own range: image by image.
			if st.wino != nil || st.qconv != nil || st.packed == nil || (k > 1 && !gemm.VectorIm2Col(st.out.W)) {
				return i
			}
		default:
			return i
		}
	}
	return len(r.steps)
}

// Batched reports whether ForwardBatch runs any layers over several
// images at once; without, it is a loop of Forward.
func (r *Runner) Batched() bool { return r.batchPrefix() > 0 }

// ForwardBatch runs the stack on the n inputs laid end to end in in and
// returns their outputs, also end to end: what n calls of Forward return,
// up to the rounding of sums taken in another order. The returned slice
// is owned by the Runner and valid until the next call.
//
// Within a chunk the activations are channel-major with the images
// inside (C x image x H x W): a conv layer's product then writes that
// layout directly, one row per filter over every image's pixels, and
// ReLU and max-pool see C*n planes like C planes.
func (r *Runner) ForwardBatch(in []float32, n int) ([]float32, error) {
	inLen, outLen := r.stack.In.Len(), r.Out().Len()
	if n < 1 || len(in) != n*inLen {
		return nil, fmt.Errorf("nn: batch of %d values for %d inputs of %v", len(in), n, r.stack.In)
	}
	r.bout = fit(r.bout, n*outLen)
	prefix := r.batchPrefix()
	if prefix == 0 || n == 1 {
		for i := 0; i < n; i++ {
			out, err := r.Forward(in[i*inLen : (i+1)*inLen])
			if err != nil {
				return nil, err
			}
			copy(r.bout[i*outLen:], out)
		}
		return r.bout, nil
	}
	r.sizeBatch(min(n, BatchChunk), prefix)
	for i := 0; i < n; i += BatchChunk {
		nb := min(BatchChunk, n-i)
		r.forwardChunk(r.bout[i*outLen:(i+nb)*outLen], in[i*inLen:(i+nb)*inLen], nb, prefix)
	}
	return r.bout, nil
}

// sizeBatch makes the batch buffers large enough for chunks of nb images
// through the first prefix steps.
func (r *Runner) sizeBatch(nb, prefix int) {
	act, col := r.stack.In.Len(), 0
	for _, st := range r.steps[:prefix] {
		act = max(act, st.out.Len())
		if st.op == OpConv {
			col = max(col, st.packed.Cols()*st.out.H*st.out.W)
		}
	}
	r.bping, r.bpong, r.bcol = fit(r.bping, nb*act), fit(r.bpong, nb*act), fit(r.bcol, nb*col)
	if prefix < len(r.steps) {
		r.bmid = fit(r.bmid, nb*r.steps[prefix-1].out.Len())
	}
}

// forwardChunk runs nb images (in, end to end) through the stack into dst:
// the first prefix steps over the chunk at once, the rest image by image.
// img and ch are how far apart images and channels of the current
// activations lie; the input is image-major, every later layer
// channel-major.
func (r *Runner) forwardChunk(dst, in []float32, nb, prefix int) {
	cur, sh := in, r.stack.In
	img, ch := sh.Len(), sh.H*sh.W
	bufs := [2][]float32{r.bping, r.bpong}
	for i := range r.steps[:prefix] {
		st := &r.steps[i]
		l := &r.stack.Layers[st.layer]
		out := bufs[i%2][:nb*st.out.Len()]
		switch st.op {
		case OpConv:
			k, oh, ow := l.Size, st.out.H, st.out.W
			np := oh * ow
			ldc := nb * np
			col := r.bcol[:st.packed.Cols()*ldc]
			// Shapes were checked when the Runner was built; an error
			// is a bug.
			for b := 0; b < nb; b++ {
				if err := gemm.Im2ColStride(col[b*np:], ldc, cur[b*img:], sh.C, k, oh, ow, sh.W, ch); err != nil {
					panic(err)
				}
			}
			if err := st.packed.MulBias(ldc, col, ldc, st.bias, st.relu, out, ldc); err != nil {
				panic(err)
			}
			img, ch = np, ldc
		case OpReLU:
			ReLU(out, cur[:len(out)])
		case OpMaxPool:
			// Image-major or channel-major, the planes lie evenly
			// apart, and pooling keeps their order.
			plane, op := sh.H*sh.W, st.out.H*st.out.W
			maxPool(out, cur, Shape{sh.C * nb, sh.H, sh.W}, sh.W, l.Size)
			img, ch = img/plane*op, ch/plane*op
		}
		cur, sh = out, st.out
	}
	mid := dst
	if prefix < len(r.steps) {
		mid = r.bmid
	}
	plane := sh.H * sh.W
	for b := 0; b < nb; b++ {
		for c := 0; c < sh.C; c++ {
			copy(mid[(b*sh.C+c)*plane:][:plane], cur[b*img+c*ch:])
		}
	}
	if prefix == len(r.steps) {
		return
	}
	inLen, outLen := sh.Len(), len(dst)/nb
	for b := 0; b < nb; b++ {
		copy(dst[b*outLen:], r.forwardFrom(prefix, mid[b*inLen:(b+1)*inLen], sh.W))
	}
}
