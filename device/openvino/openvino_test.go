package openvino

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	"github.com/sliced-ai/sliced/device/internal/runtimetest"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// testLibrary finds libopenvino_c for the tests: OPENVINO_LIB, or the wheel
// in the project's .tools folder, else the test is skipped (failed when
// SLICED_REQUIRE names openvino).
func testLibrary(t testing.TB) string {
	t.Helper()
	if _, err := New(nil, Options{}); errors.Is(err, ErrNoCgo) {
		needs.Missing(t, "openvino", err.Error())
	}
	if p := os.Getenv(EnvLibrary); p != "" {
		return p
	}
	matches, _ := filepath.Glob(filepath.Join("..", "..", ".tools", "openvino*", "openvino", "libs", "libopenvino_c.so*"))
	if len(matches) == 0 {
		needs.Missing(t, "openvino", "OpenVINO not installed: set "+EnvLibrary+" or run "+
			"`pip install --no-deps --target .tools/openvino-2024.6.0 openvino==2024.6.0`")
	}
	abs, _ := filepath.Abs(matches[0])
	return abs
}

// TestCPUMatchesRunner runs the exported full CNNs and conv stacks on
// OpenVINO's CPU plugin through the shim and compares them with nn.Runner.
func TestCPUMatchesRunner(t *testing.T) {
	lib := testLibrary(t)
	runtimetest.MatchesRunner(t, "openvino CPU", func(onnx []byte) (runtimetest.Model, error) {
		return New(onnx, Options{Library: lib, Device: "CPU", Threads: 1})
	})
	path, version := Loaded()
	t.Logf("OpenVINO %s from %s", version, path)
}

func TestModelErrors(t *testing.T) {
	lib := testLibrary(t)
	s := runtimetest.RandomStack(models.FullCNN(models.B, 8, 10), 9)
	data, _ := onnxexport.Export(s, onnxexport.Options{})
	m, err := New(data, Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if m.InLen() != 784 || m.OutLen() != 10 || m.Device() != "CPU" {
		t.Errorf("sizes %d -> %d on %q, want 784 -> 10 on CPU", m.InLen(), m.OutLen(), m.Device())
	}
	if _, err := m.Run(make([]float32, 10)); err == nil || !strings.Contains(err.Error(), "784") {
		t.Errorf("short input: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := m.Run(make([]float32, 784)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("run after close: %v", err)
	}

	_, err = New([]byte("not a model"), Options{Library: lib})
	var se *StatusError
	if !errors.As(err, &se) || !strings.HasPrefix(se.Call, "ov_core_read_model") || se.Status >= 0 {
		t.Errorf("garbage model: %v, want a StatusError from ov_core_read_model*", err)
	} else {
		t.Logf("garbage model: %v", err)
	}
	if _, err := New(nil, Options{Library: lib}); err == nil {
		t.Error("empty model accepted")
	}
}

func TestDevices(t *testing.T) {
	lib := testLibrary(t)
	avail, err := Available(lib)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("devices: %v", avail)
	s := runtimetest.RandomStack(models.FullCNN(models.B, 8, 10), 9)
	data, _ := onnxexport.Export(s, onnxexport.Options{})
	if _, err := New(data, Options{Library: lib, Device: "TPU"}); err == nil || !strings.Contains(err.Error(), "unknown device") {
		t.Errorf("unknown device: %v", err)
	}
	for _, dev := range []string{"MYRIAD", "NPU"} {
		if strings.Contains(strings.Join(avail, ","), dev) {
			continue
		}
		_, err := New(data, Options{Library: lib, Device: dev})
		if !errors.Is(err, ErrNoDevice) || !strings.Contains(err.Error(), dev) || !strings.Contains(err.Error(), "CPU") {
			t.Errorf("absent %s: %v, want an error naming the devices present", dev, err)
		} else {
			t.Logf("absent %s: %v", dev, err)
		}
	}
	m, err := New(data, Options{Library: lib, Device: "AUTO"})
	if err != nil {
		t.Fatalf("AUTO: %v", err)
	}
	m.Close()
}

func TestMissingLibrary(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(EnvLibrary, "/nonexistent/env/libopenvino_c.so")
	t.Setenv("VIRTUAL_ENV", "")
	explicit := "/nonexistent/config/libopenvino_c.so"
	_, err := FindLibrary(explicit)
	if err == nil {
		t.Skip("a system libopenvino_c exists; the not-found path cannot be exercised here")
	}
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("error %v does not wrap ErrNotFound", err)
	}
	for _, want := range []string{explicit, "/nonexistent/env/", "/usr/lib/", "openvino/libs", EnvLibrary} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if path, _ := Loaded(); path == "" {
		_, err := New([]byte{1}, Options{Library: explicit})
		if errors.Is(err, ErrNoCgo) {
			return
		}
		if err == nil || !strings.Contains(err.Error(), explicit) {
			t.Errorf("New with a missing library: %v", err)
		}
	}
}

func TestStatusNames(t *testing.T) {
	e := &StatusError{Call: "ov_core_compile_model", Status: -1, Detail: "boom"}
	if got, want := e.Error(), "ov_core_compile_model: GENERAL_ERROR (-1): boom"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got := Status(-99).String(); got != "ov_status_e(-99)" {
		t.Errorf("unknown status: %q", got)
	}
	if got := Status(-14).String(); got != "INVALID_C_PARAM" {
		t.Errorf("-14: %q", got)
	}
}
