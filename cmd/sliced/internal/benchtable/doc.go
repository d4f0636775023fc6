// Package benchtable measures the per-image latency of the sliced engine,
// the full CNN in Go and the same networks on ONNX Runtime in one run, and
// prints the comparison as one markdown table.
//
// Every network runs at batch 1 on one thread (ONNX Runtime with one
// intra-op thread). The weights are random, scaled by the fan-in as trained
// weights are; speed does not depend on their values. The sliced engines
// carry a realistic prototype set: a projection of the conv features to 32
// values and 2000 prototypes of 10 classes, k = 9.
//
// A sliced engine's ratio is to ONNX Runtime on its conv stack (the part
// both run); the full CNN's to ONNX Runtime on the full CNN. The lines
// after the table check the speed targets of the project against this
// run's medians.
//
// The rows are timed in interleaved rounds, so that load from other work
// on a shared machine falls on all of them alike and the ratios of one run
// stay comparable; the table gives the median (p50) of all calls. The
// achieved GFLOP/s counts the network's multiply-adds (two FLOPs each) and
// is set against gemm.Peak, the measured one-core FMA ceiling.
//
// ONNX Runtime is found as device/onnxrt finds it (the ONNXRUNTIME_LIB
// environment variable first). When it is missing, or the build has no cgo,
// its rows say so and the rest of the table still prints.
//
//	go run ./cmd/sliced/internal/benchtable/run [-per-row 2s] [-onnxruntime path]
//	go test -run '^$' -bench Rows ./cmd/sliced/internal/benchtable
//
// `sliced bench` can print the same table with Measure and
// Result.Markdown.
package benchtable
