package backend

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// useProjectRuntimes points the runtimes at the copies .ci/run installs
// under .tools/ at the repository root, when they are there.
func useProjectRuntimes(t *testing.T) {
	root, _ := filepath.Abs("../../../..")
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	ort := filepath.Join(root, ".tools/onnxruntime-node/node_modules/onnxruntime-node/bin/napi-v6/linux", arch, "libonnxruntime.so.1")
	if _, err := os.Stat(ort); err == nil && os.Getenv("ONNXRUNTIME_LIB") == "" {
		t.Setenv("ONNXRUNTIME_LIB", ort)
	}
	if ov, _ := filepath.Glob(filepath.Join(root, ".tools/openvino-*/openvino/libs/libopenvino_c.so*")); len(ov) > 0 && os.Getenv("OPENVINO_LIB") == "" {
		t.Setenv("OPENVINO_LIB", ov[0])
	}
}

// The runtime backends run the full CNN and agree with the Go engine.
func TestRuntimeBackendsMatchGo(t *testing.T) {
	useProjectRuntimes(t)
	full := fixture.FullCNN(models.B, 4)
	goRef, err := NewFullCNN(full)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "full.slc")
	if err := engine.Save(path, full); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"onnxruntime", "openvino"} {
		t.Run(name, func(t *testing.T) {
			b, err := Default.New(Options{Name: name, Model: path, LoadEngine: engine.Load})
			if StateOf(err) == Skipped {
				needs.Missing(t, name, fmt.Sprintf("%s not available here: %v", name, err))
			}
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if info := b.Info(); info.Name != name || info.Model != full.Name || len(b.Classes()) != 10 {
				t.Fatalf("info %+v, classes %v", info, b.Classes())
			}
			for d := 0; d < 10; d++ {
				in := fixture.Tensor(fixture.Digit(d, 0, 0))
				got, err := b.Classify(in)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := goRef.Classify(in)
				if got.Label != want.Label {
					t.Fatalf("digit %d: %s says %d, Go %d", d, name, got.Label, want.Label)
				}
				for i := range want.Scores {
					if math.Abs(float64(got.Scores[i]-want.Scores[i])) > 1e-4 {
						t.Fatalf("digit %d class %d: %v vs Go %v", d, i, got.Scores[i], want.Scores[i])
					}
				}
			}
		})
	}
}

func TestRuntimeBackendRefusesKNNEngine(t *testing.T) {
	e := fixture.Engine(models.B, 1)
	load := func(string) (*engine.Engine, error) { return e, nil }
	_, err := Default.New(Options{Name: "onnxruntime", Model: "knn.slc", LoadEngine: load})
	if err == nil || StateOf(err) != Failed {
		t.Fatalf("err = %v (%s), want a failure: a k-NN engine has no network to export", err, StateOf(err))
	}
	// Without a model, beside a k-NN daemon engine, the full-CNN backends
	// run the embedded full CNN.
	b, err := Default.New(Options{Name: "fullcnn", Engine: func() *engine.Engine { return e }})
	if err != nil {
		t.Fatalf("fullcnn without a model: %v", err)
	}
	full, _ := models.FullCNNEngine()
	if got := b.Info().Model; got != full.Name {
		t.Fatalf("model %q, want the embedded %q", got, full.Name)
	}
	_, err = Default.New(Options{Name: "openvino", Device: "MYRIAD", Model: filepath.Join(t.TempDir(), "none.slc"), LoadEngine: engine.Load})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing model file: %v", err)
	}
}
