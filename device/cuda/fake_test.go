//go:build cgo

package cuda

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// fake is testdata/fakecuda.cpp built once: a libcuda and libnvrtc
// stand-in that runs kernels.cu on the CPU.
var fake struct {
	sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fake.dir != "" {
		os.RemoveAll(fake.dir)
	}
	os.Exit(code)
}

func fakeLib(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SLICED_FAKECUDA"); p != "" {
		return p
	}
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++ to build the stand-in CUDA library")
	}
	fake.Do(func() {
		if fake.dir, fake.err = os.MkdirTemp("", "fakecuda"); fake.err != nil {
			return
		}
		fake.path = filepath.Join(fake.dir, "libfakecuda.so")
		out, err := exec.Command(cxx, "-shared", "-fPIC", "-O2", "-o", fake.path, "testdata/fakecuda.cpp").CombinedOutput()
		if err != nil {
			fake.err = fmt.Errorf("g++: %v\n%s", err, out)
		}
	})
	if fake.err != nil {
		t.Fatal(fake.err)
	}
	return fake.path
}

// withFake runs test name in a child process whose CUDA and NVRTC are the
// stand-in in the given mode; it reports whether this is the child.
func withFake(t *testing.T, name, mode string) bool {
	if os.Getenv("SLICED_CUDA_CHILD") == name {
		return true
	}
	lib := fakeLib(t)
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), "SLICED_CUDA_CHILD="+name, "SLICED_FAKECUDA="+lib,
		EnvDriver+"="+lib, EnvNVRTC+"="+lib, "FAKECUDA_MODE="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "LEAK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child: %s", strings.TrimSpace(string(out)))
	return false
}

func fullCNN(t *testing.T) *nn.Stack {
	e, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	return &e.Stack
}

// TestFakeGPU drives the whole shim against the stand-in: the outputs
// equal the Go reference, runs from several goroutines take turns, Close
// frees every buffer (the stand-in reports leaks) and is idempotent.
func TestFakeGPU(t *testing.T) {
	if !withFake(t, "TestFakeGPU", "") {
		return
	}
	s := fullCNN(t)
	m, err := New(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Device() != "cuda:0 Fake GPU (sm_53)" || m.InLen() != 784 || m.OutLen() != 10 {
		t.Fatalf("device %q, %d in, %d out", m.Device(), m.InLen(), m.OutLen())
	}
	drv, nv, ver := Loaded()
	t.Logf("%s, %s: %s", drv, nv, ver)
	if ver != "driver CUDA 12.4, NVRTC 12.4" {
		t.Errorf("versions %q", ver)
	}
	if _, ok := lib.ptx["compute_53"]; !ok {
		t.Errorf("not compiled for the device's own architecture: %v", lib.ptx)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for range 3 {
				in := make([]float32, 784)
				for i := range in {
					in[i] = rng.Float32()
				}
				got, err := m.Run(in)
				if err != nil {
					t.Error(err)
					return
				}
				want, _ := nn.ReferenceForward(s, in)
				for i := range want {
					if math.Abs(float64(got[i]-want[i])) > 1e-5 || got[i] != got[i] {
						t.Errorf("class %d: %g, reference %g", i, got[i], want[i])
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := m.RunTo(make([]float32, 3), make([]float32, 784)); err == nil {
		t.Error("3 outputs accepted")
	}
	if _, err := New(s, Options{Device: 1}); !errors.Is(err, ErrNoDevice) {
		t.Errorf("device 1 of 1: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(make([]float32, 784)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Run after Close: %v", err)
	}
}

func TestFakeNoDevice(t *testing.T) {
	if !withFake(t, "TestFakeNoDevice", "nodevice") {
		return
	}
	_, err := New(fullCNN(t), Options{})
	if !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), "cuInit: CUDA_ERROR_NO_DEVICE (100)") {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}

// TestFakeOldNVRTC: an NVRTC that does not know sm_53 compiles for the
// newest architecture it knows below it.
func TestFakeOldNVRTC(t *testing.T) {
	if !withFake(t, "TestFakeOldNVRTC", "oldnvrtc") {
		return
	}
	m, err := New(fullCNN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, ok := lib.ptx["compute_52"]; !ok || len(lib.ptx) != 1 {
		t.Fatalf("compiled for %v, want compute_52", lib.ptx)
	}
}

func TestFakeCompileError(t *testing.T) {
	if !withFake(t, "TestFakeCompileError", "badsrc") {
		return
	}
	_, err := New(fullCNN(t), Options{})
	if err == nil || !strings.Contains(err.Error(), "nvrtcCompileProgram: NVRTC_ERROR_COMPILATION (6)") ||
		!strings.Contains(err.Error(), `identifier "oops"`) {
		t.Fatalf("error %v does not carry the call, result and log", err)
	}
	t.Log(err)
}

func TestFakeLaunchError(t *testing.T) {
	if !withFake(t, "TestFakeLaunchError", "launchfail") {
		return
	}
	m, err := New(fullCNN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Run(make([]float32, 784))
	if err == nil || !strings.Contains(err.Error(), "cuLaunchKernel: CUDA_ERROR_ILLEGAL_ADDRESS (700)") {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}
