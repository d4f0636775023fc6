// Package train fits the weights of an nn.Stack by backpropagation: the
// full CNNs of topologies A and B (models.FullCNN), whose conv stacks the
// sliced engine keeps.
//
// The trainer runs on the project's own kernels: the forward pass reuses
// nn.Conv (im2col + GEMM), and the backward pass is written the same way,
// so every matrix multiply goes through engine/gemm.Sgemm:
//
//	conv:    dW += dOut x col^T,  dB += row sums of dOut,  dCol = W^T x dOut, then col2im
//	dense:   dW += dOut^T x X,    dB += column sums,       dX = dOut x W  (over a whole sub-batch)
//	maxpool: the gradient goes to the position that held the maximum
//	relu:    the gradient passes where the output is positive
//	softmax + cross-entropy: dLogits = p - onehot(label)
//
// Dropout is a training-only step placed after a layer (Keras' mnist_cnn:
// 0.25 after the pool, 0.5 after the dense-128 ReLU; see KerasDropout); it is
// not part of the stack the engine file stores, since at inference it is the
// identity (inverted dropout scales kept values by 1/(1-p) while training).
//
// Each mini-batch is split into one contiguous slice per worker goroutine;
// every worker owns its activations and gradient buffers, and the
// gradients are summed in worker order before the optimiser step (Adam or
// SGD with momentum). Shuffling and dropout masks derive from the seed and
// the image's position in the run, so the same seed and the same number of
// workers give bit-identical weights.
//
// Why our own backprop: GoMLX's pure-Go backend cannot train this CNN (it
// lacks max-pool and conv input gradients), and a workaround took about
// 6 s per batch-64 step. Training on the inference kernels instead keeps
// one implementation of conv and GEMM, and every speed-up of engine/gemm
// speeds training too. Workers call the single-threaded gemm.Sgemm: the
// batch split already keeps every core busy, including im2col, col2im,
// pooling and ReLU, which a parallel GEMM alone would leave serial.
//
// Measured on a 2-core AMD EPYC shared with other jobs: 5 epochs of
// topology A on the 60,000 MNIST training images (Glorot init, Adam 1e-3,
// batch 128, seed 1) reach 99.08 % on the 10,000 test images; an epoch
// takes 27 to 37 s on both cores when they are lightly loaded.
//
// From the command line (see cmd/slicecal):
//
//	slicecal train --topology A --epochs 5 --out a128.slc   # Keras mnist_cnn, Adam 1e-3, batch 128
//	slicecal train --topology B --hidden 64 --out b64.slc   # LeNet-like, no dropout
//	slicecal eval --engine a128.slc                          # MNIST test accuracy
package train
