//go:build !purego

package gemm

func best() *kernels { return &goKernels }

func available() []*kernels { return []*kernels{&goKernels} }
