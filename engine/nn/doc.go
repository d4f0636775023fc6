// Package nn holds the layer stack that both the sliced engine and the full
// CNN run: 2-D convolution, ReLU, max pooling, dense layers and softmax over
// channel-first (CHW) float32 tensors.
//
// A Stack is plain data (it is what the engine file stores); a Runner owns
// the scratch buffers to run one, and is not safe for concurrent use: give
// every goroutine its own Runner.
package nn
