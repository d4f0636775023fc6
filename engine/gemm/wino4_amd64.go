//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

var hasWino4 = cpu.X86.HasAVX512F

// The Winograd kernels are written by hand (wino4_amd64.s), for AVX-512.

//go:noescape
func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw, mlo, mhi, mtw int) int

//go:noescape
func winoMul4(m, v, u *float32, chans, ldt, k, points int)

//go:noescape
func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, idx *int32, lo float32)
