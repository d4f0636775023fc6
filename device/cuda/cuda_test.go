package cuda

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestArchList(t *testing.T) {
	nano := archList(5, 3)
	if nano[0] != "compute_53" || !slices.Contains(nano, "compute_52") || slices.Contains(nano, "compute_60") {
		t.Errorf("sm_53: %v", nano)
	}
	h100 := archList(9, 0)
	if h100[0] != "compute_90" || h100[1] != "compute_89" || h100[len(h100)-1] != "compute_50" {
		t.Errorf("sm_90: %v", h100)
	}
}

func TestNVRTCCandidates(t *testing.T) {
	t.Setenv(EnvNVRTC, "")
	c := NVRTCCandidates("/x/libnvrtc.so.12", 10)
	if c[0] != "/x/libnvrtc.so.12" {
		t.Errorf("explicit path not first: %v", c)
	}
	// A CUDA 10 driver must not get NVRTC 11 or later before 10.2.
	if i, j := slices.Index(c, "libnvrtc.so.10.2"), slices.Index(c, "libnvrtc.so.12"); i < 0 || j >= 0 {
		t.Errorf("driver 10: %v", c)
	}
	c = NVRTCCandidates("", 12)
	if c[0] != "libnvrtc.so.12" || slices.Index(c, "libnvrtc.so.11.2") < slices.Index(c, "libnvrtc.so.12") {
		t.Errorf("driver 12: %v", c)
	}
	if slices.Contains(c, "libnvrtc.so.13") {
		t.Errorf("driver 12 offered NVRTC 13, whose PTX it cannot load: %v", c)
	}
}

func TestErrorNamesTheCall(t *testing.T) {
	e := &Error{Lib: "cuda", Call: "cuInit", Code: 100, Name: "CUDA_ERROR_NO_DEVICE", Msg: "no CUDA-capable device is detected"}
	if s := e.Error(); !strings.Contains(s, "cuInit") || !strings.Contains(s, "CUDA_ERROR_NO_DEVICE") || !strings.Contains(s, "(100)") {
		t.Errorf("message %q", s)
	}
	wrapped := fmt.Errorf("cuda: %w", e)
	if !errors.Is(wrapped, ErrNoDevice) || errors.Is(wrapped, ErrNoDriver) {
		t.Errorf("CUDA_ERROR_NO_DEVICE matches the wrong sentinel")
	}
	old := &Error{Lib: "cuda", Call: "cuInit", Code: 35, Name: "CUDA_ERROR_INSUFFICIENT_DRIVER"}
	if !errors.Is(old, ErrNoDriver) {
		t.Errorf("an old driver is not ErrNoDriver")
	}
	nv := &Error{Lib: "nvrtc", Call: "nvrtcCompileProgram", Code: 6, Name: "NVRTC_ERROR_COMPILATION", Msg: "kernels.cu(3): error"}
	if errors.Is(nv, ErrNoDevice) || !strings.Contains(nv.Error(), "kernels.cu(3)") {
		t.Errorf("nvrtc error: %v", nv)
	}
}

func TestKernelSource(t *testing.T) {
	for _, k := range []string{"conv", "relu", "maxpool", "dense", "softmax"} {
		if !strings.Contains(KernelSource(), `extern "C" __global__ void `+k+"(") {
			t.Errorf("kernels.cu lacks kernel %s that the shim looks up", k)
		}
	}
}
