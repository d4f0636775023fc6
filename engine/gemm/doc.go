// Package gemm is the single-precision matrix multiply that every
// convolution, dense layer, k-NN distance and training step in sliced runs
// on.
//
// All matrices are row-major. Sgemm computes C = alpha*op(A)*op(B) + beta*C
// on the calling goroutine; SgemmParallel splits a large product over
// goroutines for training. Inference is single-threaded on purpose: its
// cost is stated per thread.
//
// # How it is fast
//
// The general product is blocked the way BLIS and GotoBLAS do it: A is
// packed, scaled by alpha, into panels of mr rows; B is read in place in
// strips of nr columns (only a transposed B and the ragged right edge are
// packed); a micro-kernel keeps an mr x nr tile of C in vector registers
// while it runs through k. The micro-kernels are Go assembly:
//
//	avx512  8 x 32 tile, chosen at start-up when the CPU has AVX-512F
//	avx2    6 x 16 tile, AVX2 + FMA
//	neon    8 x 12 tile, arm64 Advanced SIMD (FMLA by element)
//	go      4 x 4 tile in plain Go: other architectures and -tags purego
//
// Kernel reports which one runs. Products with one column (dense layers,
// k-NN distances) or one row go through matrix-vector loops that stream
// the matrix once: a row-major matrix four rows at a time (on amd64 one
// call of the assembly runs all groups of four rows and sums each row in
// registers, so short rows cost about a nanosecond each instead of the
// call overhead of a kernel per four rows), a transposed one in strips of
// columns whose sums stay in registers over all rows (axpyCols: the k-NN
// distances over prototypes stored transposed).
//
// Two loops of a convolution layer that are not products live here too,
// because the vector kernels do: Im2Col, which lays out a convolution's
// patches for its product in one call, and MaxPool2x2, 2 x 2 max pooling
// over every channel in one call (AVX2 on amd64, NEON on arm64, plain Go
// elsewhere).
//
// Wino4 is Winograd F(4x4,3x3) with the 2x2 max-pool after it, as three
// kernels (input transform, products per transform point, output
// transform with the pool, bias and ReLU) generated for AVX-512, AVX2+FMA
// and NEON; the set is chosen per CPU and shape, plain Go otherwise.
//
// QConv is a convolution's weights as int8 codes for an integer product
// against each image's im2col coded to 8 bits: VPDPBUSD on AVX512-VNNI,
// SDOT on arm64 cores with the dot product, plain Go elsewhere.
//
// Each micro-kernel comes in three starts: adding to C, overwriting C
// (beta == 0: C is never read), and overwriting C with a per-row bias; any
// of them can clamp at zero (ReLU) as it stores. Weights used for many
// products can be packed once with Pack; MulBias on the result (or the
// package-level MulBias for a one-off matrix) computes W·X + bias, with an
// optional ReLU, writing each output value once: a convolution layer after
// im2col.
//
// # The assembly is generated
//
// The .s files are written by internal/gen (go generate ./engine/gemm) and
// committed; TestGeneratedUpToDate fails when they drift from the
// generator. Every kernel set is tested against a float64 triple loop and
// against the pure-Go set on odd sizes, tails, padded strides, all
// transposes and special alpha and beta. TestUnderQEMU runs the same
// tests for arm64 (NEON) and 32-bit arm under qemu-aarch64 and qemu-arm
// when they are installed.
//
// # Measuring
//
//	go test -run XXX -bench . ./engine/gemm
//
// reports GFLOP/s per shape and kernel set (the conv layers of topologies
// A and B, the dense and k-NN matrix-vector products, training squares)
// and BenchmarkPeak the one-core FMA ceiling of each vector width, so that
// results can be read as a share of the machine's peak; Peak measures the
// same ceiling at run time, for tools that print a share of it. Each reports the
// mean rate and best-GFLOP/s, the fastest single call: on a machine that
// other work shares, the mean mostly measures the time slices lost.
package gemm
