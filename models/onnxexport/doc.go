// Package onnxexport writes an nn.Stack as an ONNX model, so that the
// accelerator runtimes (ONNX Runtime, OpenVINO, TensorRT) run exactly the
// network the Go engine runs.
//
// The model takes one input, "input", of shape [N,C,H,W] (N is 1, or the
// symbolic "N" with Options.DynamicBatch) and has one output, "output", of
// shape [N, values]: the stack's output flattened in CHW order, which is the
// order nn.Runner returns. A full CNN therefore gives its class
// probabilities, and a sliced conv stack the feature vector the k-NN reads.
//
// Layers map one to one: Conv (valid, stride 1), Relu, MaxPool (window =
// stride, floor), Gemm (transB) for Dense, Softmax over the flattened values.
// A Flatten is inserted before the first Dense (or Softmax) that follows a
// 4-D tensor and at the end of a stack that ends 4-D. The default opset is
// 11, which OpenVINO 2022.3 (MYRIAD) and TensorRT 8.2 accept; opsets 9 to 13
// can be asked for.
//
// Export is pure Go and safe for concurrent use; it does not modify the
// stack.
package onnxexport
