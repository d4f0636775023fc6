//go:build purego || !amd64

package gemm

const hasWino4 = false

func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw, mlo, mhi, mtw int) int {
	panic("gemm: no winograd kernels in this build")
}

func winoMul4(m, v, u *float32, chans, ldt, k, points int) {
	panic("gemm: no winograd kernels in this build")
}

func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, idx *int32, lo float32) {
	panic("gemm: no winograd kernels in this build")
}
