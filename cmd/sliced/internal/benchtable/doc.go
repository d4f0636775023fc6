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
// Every network runs again on all cores (GOMAXPROCS, or Options.Workers).
// A Go row runs one independent engine Session (or nn.Runner) per core,
// all classifying at once, as the daemon serving several clients does. An
// ONNX Runtime row runs one session whose intra-op pool has one thread per
// core, one image at a time: that is how ONNX Runtime is normally run (its
// default pool spans the cores, and a session with bound input and output
// serves one call at a time). The last two columns give this throughput in
// images/s (images finished over the wall time) and its speed-up over one
// thread timed the same way, in bursts that alternate with the all-cores
// ones; the speed-up is not taken against the p50 column, which leaves out
// the calls other work interrupted. On a machine loaded by other work the
// all-cores figure shares the cores with that work, and the speed-up falls
// short of the core count by as much.
//
// A sliced engine's ratio is to ONNX Runtime on its conv stack (the part
// both run); the full CNN's to ONNX Runtime on the full CNN. The lines
// after the table check the speed targets of the project against this
// run's medians.
//
// The rows are timed in interleaved rounds (the all-cores figure in
// interleaved bursts; benchrun's harness, as `sliced bench` is), so that load from other work on a shared machine
// falls on all of them alike and the ratios of one run stay comparable;
// the table gives the median (p50) of all calls. The achieved GFLOP/s
// counts the network's multiply-adds (two FLOPs each) and is set against
// gemm.Peak, the measured one-core FMA ceiling.
//
// ONNX Runtime is found as device/onnxrt finds it (the ONNXRUNTIME_LIB
// environment variable first). When it is missing, or the build has no cgo,
// its rows say so and the rest of the table still prints.
//
//	go run ./cmd/sliced/internal/benchtable/run [-per-row 2s] [-cores n] [-onnxruntime path]
//	go test -run '^$' -bench Rows ./cmd/sliced/internal/benchtable
//
// `sliced bench` can print the same table with Measure and
// Result.Markdown.
package benchtable
