package cuda

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
)

// Environment variables that point at the libraries, tried first.
const (
	EnvDriver = "CUDA_LIB"  // libcuda.so.1
	EnvNVRTC  = "NVRTC_LIB" // libnvrtc.so.*
)

var (
	// ErrNoDriver is wrapped by New's error when libcuda cannot be loaded
	// or initialised: no NVIDIA driver on this machine.
	ErrNoDriver = errors.New("cuda: no CUDA driver")
	// ErrNoNVRTC is wrapped when no libnvrtc can be loaded.
	ErrNoNVRTC = errors.New("cuda: no NVRTC library (the CUDA runtime compiler)")
	// ErrNoDevice is wrapped when the driver sees no GPU, or not the one asked for.
	ErrNoDevice = errors.New("cuda: no CUDA device")
	// ErrNoCgo is returned by New in a build without cgo.
	ErrNoCgo = errors.New("cuda: built without cgo; the CUDA shim needs a cgo build")
)

// Options configure a Model. The zero value runs on device 0 with the
// libraries found by DriverCandidates and NVRTCCandidates.
type Options struct {
	Device int    // device ordinal
	Driver string // path to libcuda.so.1; empty: search
	NVRTC  string // path to libnvrtc.so; empty: search
}

//go:embed kernels.cu
var kernelSource string

// KernelSource is the CUDA C that New compiles with NVRTC.
func KernelSource() string { return kernelSource }

// Error is a failed CUDA driver or NVRTC call.
type Error struct {
	Lib  string // "cuda" or "nvrtc"
	Call string // the C function, e.g. "cuModuleLoadData"
	Code int    // its CUresult or nvrtcResult
	Name string // the result's name, e.g. "CUDA_ERROR_NO_DEVICE"
	Msg  string // the library's text, or NVRTC's compile log
}

func (e *Error) Error() string {
	name := e.Name
	if name == "" {
		name = e.Lib + " error"
	}
	s := fmt.Sprintf("%s: %s (%d)", e.Call, name, e.Code)
	if e.Msg != "" && e.Msg != e.Name {
		s += ": " + e.Msg
	}
	return s
}

// CUresults that mean the machine has no usable GPU rather than a fault.
const (
	cudaErrorNoDevice           = 100
	cudaErrorInvalidDevice      = 101
	cudaErrorInsufficientDriver = 35
	cudaErrorNotInitialized     = 3
	cudaErrorCompatNotSupported = 804
)

// Is lets errors.Is match the sentinel errors on driver results.
func (e *Error) Is(target error) bool {
	if e.Lib != "cuda" {
		return false
	}
	switch target {
	case ErrNoDevice:
		return e.Code == cudaErrorNoDevice || e.Code == cudaErrorInvalidDevice
	case ErrNoDriver:
		return e.Code == cudaErrorInsufficientDriver || e.Code == cudaErrorNotInitialized ||
			e.Code == cudaErrorCompatNotSupported
	}
	return false
}

// DriverCandidates lists the libcuda paths tried, in order: the explicit
// one, $CUDA_LIB, then the soname for the dynamic loader's search (which
// covers /usr/lib/<triplet> and, on a Jetson, /usr/lib/aarch64-linux-gnu/tegra).
func DriverCandidates(explicit string) []string {
	var c []string
	if explicit != "" {
		c = append(c, explicit)
	}
	if env := os.Getenv(EnvDriver); env != "" {
		c = append(c, env)
	}
	c = append(c, "libcuda.so.1", "libcuda.so")
	if runtime.GOARCH == "arm64" {
		c = append(c, "/usr/lib/aarch64-linux-gnu/tegra/libcuda.so.1")
	}
	return c
}

// NVRTCCandidates lists the libnvrtc names tried, in order. NVRTC's PTX
// must not be newer than the driver, so a driver of CUDA major version
// driverMajor (0: unknown) gets the sonames of its own major version
// first, then older ones (the Jetson Nano's CUDA 10.2 included); then the
// usual install folders and the NVIDIA PyPI wheels.
func NVRTCCandidates(explicit string, driverMajor int) []string {
	var c []string
	if explicit != "" {
		c = append(c, explicit)
	}
	if env := os.Getenv(EnvNVRTC); env != "" {
		c = append(c, env)
	}
	top := driverMajor
	if top <= 0 || top > 13 {
		top = 13
	}
	for m := top; m >= 10; m-- {
		switch {
		case m >= 12:
			c = append(c, "libnvrtc.so."+strconv.Itoa(m))
		case m == 11:
			c = append(c, "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0")
		default:
			c = append(c, "libnvrtc.so.10.2", "libnvrtc.so.10.1", "libnvrtc.so.10.0")
		}
	}
	c = append(c, "libnvrtc.so")
	dirs := []string{"/usr/local/cuda/lib64", "/usr/local/cuda/targets/*/lib", "/usr/local/cuda-*/lib64"}
	for _, s := range []string{"/usr/lib/python3/dist-packages", "/usr/local/lib/python3*/site-packages",
		"/usr/local/lib/python3*/dist-packages", os.Getenv("VIRTUAL_ENV") + "/lib/python3*/site-packages"} {
		dirs = append(dirs, filepath.Join(s, "nvidia/cuda_nvrtc/lib"), filepath.Join(s, "nvidia/cu*/lib"))
	}
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "libnvrtc.so*"))
		for _, p := range m {
			if filepath.Base(p) != "libnvrtc.so" && !isAlias(p) {
				c = append(c, p)
			}
		}
	}
	return c
}

// isAlias skips libnvrtc-builtins and the like that the glob also finds.
func isAlias(p string) bool {
	b := filepath.Base(p)
	return len(b) > len("libnvrtc.so") && b[len("libnvrtc"):len("libnvrtc")+1] != "."
}

// archs are the virtual architectures tried after the device's own, newest
// first, for an NVRTC older than the GPU: PTX for an older architecture
// runs on a newer device.
var archs = []int{90, 89, 87, 86, 80, 75, 72, 70, 62, 61, 60, 53, 52, 50}

// archList is the order of compute_XY targets for a device of capability
// major.minor.
func archList(major, minor int) []string {
	own := major*10 + minor
	out := []string{"compute_" + strconv.Itoa(own)}
	for _, a := range archs {
		if a < own {
			out = append(out, "compute_"+strconv.Itoa(a))
		}
	}
	return out
}
