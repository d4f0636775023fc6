// Package nn holds the layer stack that both the sliced engine and the full
// CNN run: 2-D convolution, ReLU, max pooling, dense layers and softmax over
// channel-first (CHW) float32 tensors.
//
// A Stack is plain data (it is what the engine file stores); a Runner owns
// the scratch buffers to run one, and is not safe for concurrent use: give
// every goroutine its own Runner.
//
// # The Runner's fast path
//
// A convolution is im2col followed by one matrix multiply (engine/gemm).
// NewRunner packs each conv layer's weights once into the multiply's panel
// layout, and a ReLU right after a conv or dense layer is folded into that
// layer: the bias is added and the clamp applied as each output tile is
// stored, so the values are written once. Im2col is one call of
// gemm.Im2Col and 2 x 2 pooling one call of gemm.MaxPool2x2, both vector
// kernels on amd64. Where Im2Col has no vector kernel, a conv followed by max pooling is computed on an output
// grid as wide as its input instead: its im2col is then one copy per
// (channel, ky, kx), the pool reads the valid columns where they lie, and
// the few extra columns cost less than the short copies they save. ReLU
// and pooling have no branch per value; NaN propagates through both, as
// through Go's max.
//
// # Batches
//
// ForwardBatch runs several images: the leading conv, ReLU and max-pool
// layers over chunks of BatchChunk images at once, each conv layer one
// product whose columns are every image's pixels (gemm.Im2ColStride lays
// each image's patches side by side), the activations channel-major with
// the images inside so that the product writes them in place; what
// follows (a dense head) runs image by image. The outputs are Forward's up
// to the rounding of sums in another order.
//
// The packed weights are a copy: after changing a stack's weights or
// layers, call Runner.Repack or build a new Runner. ReferenceForward is the
// plain definition of every layer (float64 sums, no packing, no folding):
// the oracle the Runner is tested against on random stacks.
package nn
