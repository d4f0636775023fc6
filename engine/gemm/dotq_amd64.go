//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

var hasDotsInt16 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI

// dotsInt16 is written by hand (dotq_amd64.s): one kernel, on one
// instruction set, beside the generated float32 ones.
//
//go:noescape
func dotsInt16(groups, blocks int, a *int16, lda int, x *int16, y *int32)

// maxAbsDiff sets d = x - mean over blocks of 16 values and returns the
// largest |d|.
//
//go:noescape
func maxAbsDiff(blocks int, x, mean, d *float32) float32

// quantInt16 sets q = d * inv rounded to the nearest int16 (saturating)
// over blocks of 16 values.
//
//go:noescape
func quantInt16(blocks int, d *float32, inv float32, q *int16)

//go:noescape
func dotsU16S8(groups, blocks int, a *int8, lda int, lo, hi *uint8, y *int32)

//go:noescape
func rangeF32(blocks int, x *float32) (lo, hi float32)

//go:noescape
func splitU16(blocks int, x *float32, inv float32, lo, hi *uint8)
