package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
)

// v2Extensions are the KServe v2 / Triton extensions sliced has, as
// GET /v2 lists them.
var v2Extensions = []string{"binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics"}

func (s *server) v2Routes() {
	s.handle("GET /v2", "v2_server", s.serverMeta)
	s.handle("GET /v2/health/live", "v2_live", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]bool{"live": true})
	})
	s.handle("GET /v2/health/ready", "v2_ready", func(w http.ResponseWriter, r *http.Request) {
		ok, why := s.d.Ready()
		code := http.StatusOK
		if !ok {
			code = http.StatusServiceUnavailable
			w.Header().Set("X-Not-Ready", why)
		}
		reply(w, code, map[string]bool{"ready": ok})
	})
	s.handle("GET /v2/models/stats", "v2_stats", s.allStats)
	s.handle("POST /v2/repository/index", "v2_repository", s.repoIndex)
	s.handle("POST /v2/repository/models/{name}/load", "v2_repository", s.mutating(s.repoLoad))
	s.handle("POST /v2/repository/models/{name}/unload", "v2_repository", s.mutating(s.repoUnload))
	// A model has one version, the served one (see modelVersion); the
	// versioned paths are aliases of it.
	for _, prefix := range []string{"/v2/models/{name}", "/v2/models/{name}/versions/{version}"} {
		s.handle("GET "+prefix, "v2_model", s.model(s.modelMeta))
		s.handle("GET "+prefix+"/ready", "v2_model_ready", s.model(s.modelReady))
		s.handle("GET "+prefix+"/config", "v2_model_config", s.model(s.modelConfig))
		s.handle("GET "+prefix+"/stats", "v2_stats", s.model(s.oneStats))
		s.handle("POST "+prefix+"/infer", "v2_infer", s.model(s.infer))
	}
}

// model finds the backend that {name} names, and checks {version} where
// the path has one.
func (s *server) model(h func(w http.ResponseWriter, r *http.Request, name string, b backend.Backend)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		b, err := s.lookup(name, r.PathValue("version"))
		if err != nil {
			failWith(w, err)
			return
		}
		h(w, r, name, b)
	}
}

// lookup is the model name at version ("": the one served).
func (s *server) lookup(name, version string) (backend.Backend, *apiError) {
	b, ok := s.models()[name]
	if !ok {
		return nil, errorf(http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
	}
	if want := s.modelVersion(name); version != "" && version != want {
		return nil, errorf(http.StatusNotFound, "model %q has no version %q (it serves version %s)", name, version, want)
	}
	return b, nil
}

// models are the backends by name: the configured ones and those loaded
// from the model folder.
func (s *server) models() map[string]backend.Backend {
	m := s.repo.loaded()
	if len(m) == 0 {
		return s.d.Backends()
	}
	maps.Copy(m, s.d.Backends()) // a configured backend wins over a file of its name
	return m
}

func (s *server) modelNames() []string {
	return slices.Sorted(maps.Keys(s.models()))
}

// modelVersion is the version of model name: for "sliced", which runs the
// store's engine, the engine version; "1" for the others, whose models do
// not change.
func (s *server) modelVersion(name string) string {
	if name == "sliced" && s.d.Store != nil {
		return strconv.Itoa(s.d.Store.Version())
	}
	return "1"
}

func (s *server) serverMeta(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, map[string]any{"name": "sliced", "version": s.d.Version, "extensions": v2Extensions})
}

type tensorMeta struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
}

// The model's tensors. Every model takes one image tensor, [N,C,H,W] of
// its backend's input shape (or [N,H,W] when C is 1), and answers these
// four.
const (
	outLabel  = "label"       // BYTES [N]: the class name, or "unknown"
	outIndex  = "label_index" // INT64 [N]: its index, -1 for unknown
	outScores = "scores"      // FP32 [N,classes]: vote shares or probabilities
	outKnown  = "known"       // BOOL [N]
)

var outputNames = []string{outLabel, outIndex, outScores, outKnown}

func (s *server) modelMeta(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) {
	info := b.Info()
	reply(w, http.StatusOK, map[string]any{
		"name":     name,
		"versions": []string{s.modelVersion(name)},
		"platform": info.Name + "_" + info.Device,
		"inputs":   modelInputs(b),
		"outputs":  modelOutputs(b),
	})
}

func modelInputs(b backend.Backend) []tensorMeta {
	in := backend.InputOf(b)
	return []tensorMeta{{"input", "FP32", []int{-1, in.C, in.H, in.W}}}
}

func modelOutputs(b backend.Backend) []tensorMeta {
	return []tensorMeta{
		{outLabel, "BYTES", []int{-1}},
		{outIndex, "INT64", []int{-1}},
		{outScores, "FP32", []int{-1, len(b.Classes())}},
		{outKnown, "BOOL", []int{-1}},
	}
}

func (s *server) modelReady(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) {
	reply(w, http.StatusOK, map[string]any{"name": name, "ready": true})
}

// configTensor is a tensor of a Triton model configuration. Dims leave
// out the batch dimension; a per-image scalar is dims [1] reshaped to [].
type configTensor struct {
	Name     string         `json:"name"`
	DataType string         `json:"data_type"`
	Format   string         `json:"format,omitempty"`
	Dims     []int          `json:"dims"`
	Reshape  map[string]any `json:"reshape,omitempty"`
}

// modelConfig answers GET .../config with the model as a Triton model
// configuration (JSON) describes it, so that Triton's tools can read it.
func (s *server) modelConfig(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) {
	info := b.Info()
	kind := instanceKind(info.Device)
	reply(w, http.StatusOK, map[string]any{
		"name":           name,
		"platform":       info.Name + "_" + info.Device,
		"backend":        info.Name,
		"version_policy": map[string]any{"latest": map[string]int{"num_versions": 1}},
		"max_batch_size": maxBatch,
		"input":          configInputs(b),
		"output":         configOutputs(b),
		"instance_group": []map[string]any{{"name": name, "kind": kind, "count": 1}},
		"parameters": map[string]any{
			"device":  map[string]string{"string_value": info.Device},
			"model":   map[string]string{"string_value": info.Model},
			"classes": map[string]string{"string_value": strings.Join(b.Classes(), ",")},
		},
	})
}

func configInputs(b backend.Backend) []configTensor {
	in := backend.InputOf(b)
	return []configTensor{{Name: "input", DataType: "TYPE_FP32", Format: "FORMAT_NCHW", Dims: []int{in.C, in.H, in.W}}}
}

func configOutputs(b backend.Backend) []configTensor {
	scalar := map[string]any{"shape": []int{}}
	return []configTensor{
		{Name: outLabel, DataType: "TYPE_STRING", Dims: []int{1}, Reshape: scalar},
		{Name: outIndex, DataType: "TYPE_INT64", Dims: []int{1}, Reshape: scalar},
		{Name: outScores, DataType: "TYPE_FP32", Dims: []int{len(b.Classes())}},
		{Name: outKnown, DataType: "TYPE_BOOL", Dims: []int{1}, Reshape: scalar},
	}
}

// instanceKind is the Triton instance kind of a device.
func instanceKind(device string) string {
	switch {
	case strings.EqualFold(device, "cpu"):
		return "KIND_CPU"
	case strings.HasPrefix(device, "cuda"):
		return "KIND_GPU"
	}
	return "KIND_MODEL"
}
