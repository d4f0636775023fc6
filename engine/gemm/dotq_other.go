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

func dotsU16S8(groups, blocks int, a *int8, lda int, lo, hi *uint8, y *int32) {
	panic("gemm: no int8 dot-product kernel in this build")
}

func rangeF32(blocks int, x *float32) (lo, hi float32) {
	panic("gemm: no vector range in this build")
}

func splitU16(blocks int, x *float32, inv float32, lo, hi *uint8) {
	panic("gemm: no vector quantisation in this build")
}
