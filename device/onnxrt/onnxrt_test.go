package onnxrt

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	"github.com/sliced-ai/sliced/device/internal/runtimetest"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// testLibrary finds libonnxruntime for the tests: ONNXRUNTIME_LIB, or the
// project's .tools folder, else the test is skipped (failed when
// SLICED_REQUIRE names onnxruntime).
func testLibrary(t testing.TB) string {
	t.Helper()
	if _, err := New(nil, Options{}); errors.Is(err, ErrNoCgo) {
		needs.Missing(t, "onnxruntime", err.Error())
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		needs.Missing(t, "onnxruntime", "no onnxruntime-node build for "+runtime.GOARCH)
	}
	if p := os.Getenv(EnvLibrary); p != "" {
		return p
	}
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	p := filepath.Join("..", "..", ".tools", "onnxruntime-node", "node_modules", "onnxruntime-node",
		"bin", "napi-v6", "linux", arch, "libonnxruntime.so.1")
	if _, err := os.Stat(p); err != nil {
		needs.Missing(t, "onnxruntime", "ONNX Runtime not installed: set "+EnvLibrary+" or run "+
			"`npm install --ignore-scripts --prefix .tools/onnxruntime-node onnxruntime-node@1.30.0`")
	}
	abs, _ := filepath.Abs(p)
	return abs
}

// TestMatchesRunner runs the exported full CNNs and conv stacks on ONNX
// Runtime and compares them with nn.Runner.
func TestMatchesRunner(t *testing.T) {
	lib := testLibrary(t)
	runtimetest.MatchesRunner(t, "onnxruntime", func(onnx []byte) (runtimetest.Model, error) {
		return New(onnx, Options{Library: lib, Threads: 1})
	})
	path, version := Loaded()
	t.Logf("ONNX Runtime %s from %s", version, path)
}

// TestOpsets runs the full CNN of topology B exported at every supported
// opset, with a symbolic batch.
func TestOpsets(t *testing.T) {
	lib := testLibrary(t)
	s := runtimetest.RandomStack(models.FullCNN(models.B, 32, 10), 11)
	r, _ := nn.NewRunner(s)
	img := runtimetest.RandomImage(11)
	want, _ := r.Forward(img)
	for opset := 9; opset <= 13; opset++ {
		data, err := onnxexport.Export(s, onnxexport.Options{Opset: opset, DynamicBatch: true})
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(data, Options{Library: lib, Threads: 1})
		if err != nil {
			t.Fatalf("opset %d: %v", opset, err)
		}
		got, err := m.Run(img)
		m.Close()
		if err != nil {
			t.Fatalf("opset %d: %v", opset, err)
		}
		if d := runtimetest.MaxDiff(got, want); d > 1e-4 {
			t.Errorf("opset %d: max difference %.3g, want <= 1e-4", opset, d)
		}
	}
}

func TestRunErrors(t *testing.T) {
	lib := testLibrary(t)
	s := runtimetest.RandomStack(models.FullCNN(models.B, 8, 10), 9)
	data, _ := onnxexport.Export(s, onnxexport.Options{DynamicBatch: true})
	m, err := New(data, Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	if m.InLen() != 784 || m.OutLen() != 10 {
		t.Errorf("sizes %d -> %d, want 784 -> 10", m.InLen(), m.OutLen())
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
	if _, err := New([]byte("not a model"), Options{Library: lib}); err == nil {
		t.Error("garbage model accepted")
	}
	if _, err := New(nil, Options{Library: lib}); err == nil {
		t.Error("empty model accepted")
	}
}

func TestMissingLibrary(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(EnvLibrary, "/nonexistent/env/libonnxruntime.so.1")
	explicit := "/nonexistent/config/libonnxruntime.so.1"
	_, err := FindLibrary(explicit)
	if err == nil {
		t.Skip("a system libonnxruntime exists; the not-found path cannot be exercised here")
	}
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("error %v does not wrap ErrNotFound", err)
	}
	for _, want := range []string{explicit, "/nonexistent/env/", "/usr/local/lib/libonnxruntime.so.1", EnvLibrary} {
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

func benchmark(b *testing.B, s nn.Stack, threads int) {
	lib := testLibrary(b)
	data, err := onnxexport.Export(runtimetest.RandomStack(s, 1), onnxexport.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(data, Options{Library: lib, Threads: threads})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	img, out := runtimetest.RandomImage(1), make([]float32, m.OutLen())
	for b.Loop() {
		if err := m.RunTo(out, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFullA1Thread(b *testing.B) { benchmark(b, models.FullCNN(models.A, 128, 10), 1) }
func BenchmarkFullB1Thread(b *testing.B) { benchmark(b, models.FullCNN(models.B, 64, 10), 1) }
func BenchmarkConvA1Thread(b *testing.B) { benchmark(b, models.ConvStack(models.A), 1) }
func BenchmarkConvB1Thread(b *testing.B) { benchmark(b, models.ConvStack(models.B), 1) }
