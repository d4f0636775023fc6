//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

var hasScan = cpu.X86.HasAVX512F

// nextAtMost is NextAtMost over blocks of 16 values; blocks*16 if none.
//
//go:noescape
func nextAtMost(d *float32, blocks int, thr float32) int
