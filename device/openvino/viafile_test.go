//go:build cgo

package openvino

import (
	"testing"

	"github.com/sliced-ai/sliced/device/internal/runtimetest"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// TestReadViaFile takes the path OpenVINO 2022.3 (the NCS2's last release)
// needs, reading the model from a temporary .onnx file, on the library here.
func TestReadViaFile(t *testing.T) {
	lib := testLibrary(t)
	if err := load(lib); err != nil {
		t.Fatal(err)
	}
	s := runtimetest.RandomStack(models.FullCNN(models.B, 16, 10), 5)
	data, err := onnxexport.Export(s, onnxexport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := compile(data, "CPU", 1, true)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r, _ := nn.NewRunner(s)
	img := runtimetest.RandomImage(5)
	want, _ := r.Forward(img)
	got, err := m.Run(img)
	if err != nil {
		t.Fatal(err)
	}
	if d := runtimetest.MaxDiff(got, want); d > 1e-4 {
		t.Errorf("max difference %.3g, want <= 1e-4", d)
	}
	if _, err := compile([]byte("garbage"), "CPU", 1, true); err == nil {
		t.Error("garbage model read from a file was accepted")
	} else {
		t.Logf("garbage via file: %v", err)
	}
}
