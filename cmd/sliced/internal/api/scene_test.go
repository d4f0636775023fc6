package api

import (
	"encoding/json"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
)

// A 32x32 RGB engine: KServe v2 metadata and config report [3,32,32],
// infer takes that shape and refuses the digit one, and /v1/classify
// makes the engine's input from an uploaded image.
func TestSceneEngineShapes(t *testing.T) {
	st, err := store.Open(store.Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.Scene(3), nil }})
	if err != nil {
		t.Fatal(err)
	}
	sl := backend.NewSliced(st.Engine)
	route := &pipeline.Route{Primary: sl}
	srv, _ := newServerOn(t, t.TempDir(), 1, func(d *Deps) {
		d.Store, d.Route, d.Prep = st, func() *pipeline.Route { return route }, prep.For(st.Engine, nil)
		d.Backends = func() map[string]backend.Backend { return map[string]backend.Backend{"sliced": sl} }
	})
	code, v := do(t, "GET", srv.URL+"/v2/models/sliced", "", nil, false)
	if code != 200 || fmt.Sprint(v["inputs"]) != "[map[datatype:FP32 name:input shape:[-1 3 32 32]]]" {
		t.Fatalf("metadata: %d %v", code, v["inputs"])
	}
	code, v = do(t, "GET", srv.URL+"/v2/models/sliced/config", "", nil, false)
	if in := fmt.Sprint(v["input"]); code != 200 || !strings.Contains(in, "dims:[3 32 32]") {
		t.Fatalf("config: %d %v", code, in)
	}

	// Clients send pixels in [0, 1]; the server applies the engine's mean
	// and scale.
	pixels := *st.Engine()
	pixels.Prep.Mean, pixels.Prep.Scale = nil, nil
	rng := rand.New(rand.NewPCG(5, 5))
	full := image.Rect(0, 0, 64, 64)
	for c, sc := range fixture.SceneColors {
		frame := fixture.SceneFrame(c, 64, 64, full, rng)
		in, _, err := prep.Engine(&pixels, nil, frame)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(map[string]any{"inputs": []any{map[string]any{"name": "input", "shape": []int{1, 3, 32, 32}, "datatype": "FP32", "data": in}}})
		code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", js, false)
		if code != 200 || !strings.Contains(fmt.Sprint(v["outputs"]), "data:["+sc.Name+"]") {
			t.Fatalf("infer %s: %d %v", sc.Name, code, v)
		}
		code, v = do(t, "POST", srv.URL+"/v1/classify", "image/png", pngOf(t, frame), false)
		if code != 200 || v["label"] != sc.Name {
			t.Fatalf("classify %s: %d %v", sc.Name, code, v)
		}
	}
	js, _ := json.Marshal(map[string]any{"inputs": []any{map[string]any{"name": "input", "shape": []int{1, 28, 28}, "datatype": "FP32", "data": make([]float32, 784)}}})
	if code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", js, false); code != 400 || !strings.Contains(fmt.Sprint(v["error"]), "[N,3,32,32]") {
		t.Fatalf("a digit-shaped input: %d %v", code, v)
	}
}
