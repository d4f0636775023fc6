//go:build purego || !amd64

package gemm

const hasScan = false

func nextAtMost(d *float32, blocks int, thr float32) int {
	panic("gemm: no vector scan in this build")
}
