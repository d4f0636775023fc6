// Package gemm is the single-precision matrix multiply that every
// convolution, dense layer and k-NN distance in sliced runs on.
//
// All matrices are row-major. The pure-Go kernel is the reference that any
// faster path is checked against.
package gemm
