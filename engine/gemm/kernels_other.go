//go:build purego || !(amd64 || arm64)

package gemm

func best() *kernels { return &goKernels }

// available lists every kernel set this machine can run, fastest first.
func available() []*kernels { return []*kernels{&goKernels} }

func peaks() []peak { return nil }
