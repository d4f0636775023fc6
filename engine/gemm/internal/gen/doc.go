// Package gen writes the assembly micro-kernels of package gemm as text.
//
// The kernels are regular (a register tile of accumulators, one
// broadcast-multiply-add per element per step), so they are spelled out
// by loops here rather than by hand, and one template serves AVX2 and
// AVX-512. The output is committed; gemmgen rewrites it under go generate
// and a test in gemm fails when the committed files and this generator
// disagree.
package gen
