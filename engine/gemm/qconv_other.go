//go:build purego || !(amd64 || arm64)

package gemm

const hasQConv = false

const hasMinMax16 = false

func (q *QConv) vector(n int, col []float32, ldc int, inv, zf float32, x []uint8, ldx int, lower float32, out []float32, ldo int) {
	panic("gemm: no integer convolution kernels in this build")
}

func minMax16(blocks int, x *float32) (lo, hi, sum float32) {
	panic("gemm: no integer convolution kernels in this build")
}
