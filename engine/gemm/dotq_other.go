//go:build purego || !amd64

package gemm

const hasDotsInt16 = false

func dotsInt16(groups, blocks int, a *int16, lda int, x *int16, y *int32) {
	panic("gemm: no int16 dot-product kernel in this build")
}

func maxAbsDiff(blocks int, x, mean, d *float32) float32 {
	panic("gemm: no vector quantisation in this build")
}

func quantInt16(blocks int, d *float32, inv float32, q *int16) {
	panic("gemm: no vector quantisation in this build")
}
