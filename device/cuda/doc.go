// Package cuda runs the full CNN on an NVIDIA GPU: the Jetson Nano's
// Maxwell GPU (sm_53, JetPack 4.6 with CUDA 10.2) as well as current
// cards. Nothing of CUDA is needed to build it: a small C shim (shim.c,
// model.c; the handful of CUDA types it needs are declared in cu.h) opens
// the driver library libcuda.so.1 and the runtime compiler libnvrtc.so at
// run time with dlopen. The layer kernels (kernels.cu: valid 3x3
// convolution, ReLU, 2x2 max pooling, dense, softmax; one thread an output
// value) are compiled by NVRTC for the compute capability of the GPU found,
// to PTX that the driver loads.
//
// New takes an engine/nn Stack, uploads its weights once and plans one
// kernel launch a layer over buffers in device memory; Run copies one
// 28x28 image in, launches the kernels and copies the class probabilities
// out. A Model is safe for concurrent use; runs take turns.
//
// Libraries are found in this order: the path in Options, then $CUDA_LIB
// and $NVRTC_LIB, then the sonames through the dynamic loader. NVRTC's
// PTX must not be newer than the driver, so a driver for CUDA 10.2 gets
// libnvrtc.so.10.2 before newer ones, a CUDA 12 driver libnvrtc.so.12
// before .11.2, and so on; /usr/local/cuda*/lib64 and the NVIDIA PyPI
// wheels (nvidia/cuda_nvrtc/lib) come last. An NVRTC that does not know
// the GPU's architecture compiles for the newest older one it knows.
//
// On a machine without an NVIDIA driver New returns an error wrapping
// ErrNoDriver (ErrNoNVRTC, ErrNoDevice for the other missing parts); the
// daemon's cuda backend reports itself unavailable and the daemon goes
// on. Every failed CUDA or NVRTC call becomes an *Error naming the call
// and its result (CUDA_ERROR_NO_DEVICE, NVRTC_ERROR_COMPILATION with the
// compile log). Close is idempotent.
//
// A build without cgo (CGO_ENABLED=0, as for a static arm64 binary) has the
// same API; New returns ErrNoCgo. A cgo build for the Nano:
//
//	CGO_ENABLED=1 GOARCH=arm64 CC=aarch64-linux-gnu-gcc go build ./cmd/sliced
//
// Without a GPU the tests still check everything but the hardware: the
// kernels are compiled as C++ and run on the CPU against the Go engine
// (testdata/harness.cpp), compiled to sm_53 PTX by clang when it is
// installed, and the whole shim runs against a stand-in libcuda/libnvrtc
// (testdata/fakecuda.cpp, built with g++) that executes kernels.cu on the
// CPU and fails on request (no device, old NVRTC, compile and launch
// errors). On a machine with a GPU, device/cuda/gpu-check.sh builds and
// runs the tests that compare the GPU with the Go full CNN on the MNIST
// test set (within 1e-4 for every probability) and time one image, with
// and without the cgo call (BenchmarkRun, BenchmarkRunLoop).
package cuda
