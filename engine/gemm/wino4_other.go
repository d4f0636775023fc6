//go:build purego || !(amd64 || arm64)

package gemm

// No Winograd kernels in this build: the plain-Go path runs.
func wino4Sets() []*wino4Set { return nil }

func wino4LDT(tiles int) int { return tiles }

const wino4Scratch = 0
