package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
)

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
	s.handle("GET /v2/models/{name}", "v2_model", s.modelMeta)
	s.handle("GET /v2/models/{name}/ready", "v2_model_ready", s.modelReady)
	s.handle("POST /v2/models/{name}/infer", "v2_infer", s.infer)
	// A model has one version, the served one (see modelVersion); the
	// versioned paths are aliases of it.
	s.handle("GET /v2/models/{name}/versions/{version}", "v2_model", s.versioned(s.modelMeta))
	s.handle("GET /v2/models/{name}/versions/{version}/ready", "v2_model_ready", s.versioned(s.modelReady))
	s.handle("POST /v2/models/{name}/versions/{version}/infer", "v2_infer", s.versioned(s.infer))
}

func (s *server) versioned(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if v, want := r.PathValue("version"), s.modelVersion(name); v != want {
			fail(w, http.StatusNotFound, "model %q has no version %q (it serves version %s)", name, v, want)
			return
		}
		h(w, r)
	}
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
	reply(w, http.StatusOK, map[string]any{"name": "sliced", "version": s.d.Version, "extensions": []string{}})
}

type tensorMeta struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
}

func (s *server) modelMeta(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := s.d.Backends()[name]
	if !ok {
		fail(w, http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
		return
	}
	info := b.Info()
	reply(w, http.StatusOK, map[string]any{
		"name":     name,
		"versions": []string{s.modelVersion(name)},
		"platform": info.Name + "_" + info.Device,
		"inputs":   []tensorMeta{{"input", "FP32", []int{-1, 1, 28, 28}}},
		"outputs": []tensorMeta{
			{"label", "BYTES", []int{-1}},
			{"label_index", "INT64", []int{-1}},
			{"scores", "FP32", []int{-1, len(b.Classes())}},
			{"known", "BOOL", []int{-1}},
		},
	})
}

func (s *server) modelNames() []string {
	var n []string
	for k := range s.d.Backends() {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

func (s *server) modelReady(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := s.d.Backends()[name]; !ok {
		fail(w, http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
		return
	}
	reply(w, http.StatusOK, map[string]any{"name": name, "ready": true})
}

// inferRequest is the v2 request; only the fields sliced reads.
type inferRequest struct {
	ID     string `json:"id,omitempty"`
	Inputs []struct {
		Name     string          `json:"name"`
		Shape    []int           `json:"shape"`
		Datatype string          `json:"datatype"`
		Data     json.RawMessage `json:"data"`
	} `json:"inputs"`
	Outputs []struct {
		Name string `json:"name"`
	} `json:"outputs,omitempty"`
}

type outputTensor struct {
	Name     string `json:"name"`
	Shape    []int  `json:"shape"`
	Datatype string `json:"datatype"`
	Data     any    `json:"data"`
}

// maxBatch bounds one request's work.
const maxBatch = 64

func (s *server) infer(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := s.d.Backends()[name]
	if !ok {
		fail(w, http.StatusNotFound, "model %q not found (have %v)", name, s.modelNames())
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return
	}
	var req inferRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "request: %v", err)
		return
	}
	if len(req.Inputs) != 1 {
		fail(w, http.StatusBadRequest, "want exactly one input tensor, got %d", len(req.Inputs))
		return
	}
	in := req.Inputs[0]
	n, err := batchOf(in.Shape)
	if err != nil {
		fail(w, http.StatusBadRequest, "input %q: %v", in.Name, err)
		return
	}
	values, err := tensorData(in.Data, in.Datatype, n*784)
	if err != nil {
		fail(w, http.StatusBadRequest, "input %q: %v", in.Name, err)
		return
	}
	classes := b.Classes()
	labels := make([]string, n)
	index := make([]int64, n)
	known := make([]bool, n)
	scores := make([]float32, 0, n*len(classes))
	for i := 0; i < n; i++ {
		res, err := b.Classify(values[i*784 : (i+1)*784])
		if err != nil {
			fail(w, http.StatusInternalServerError, "model %q: %v", name, err)
			return
		}
		labels[i], index[i], known[i] = res.Class, int64(res.Label), res.Known
		if !res.Known {
			index[i] = -1
		}
		sc := make([]float32, len(classes))
		copy(sc, res.Scores)
		scores = append(scores, sc...)
	}
	outs := []outputTensor{
		{"label", []int{n}, "BYTES", labels},
		{"label_index", []int{n}, "INT64", index},
		{"scores", []int{n, len(classes)}, "FP32", scores},
		{"known", []int{n}, "BOOL", known},
	}
	if len(req.Outputs) > 0 {
		var keep []outputTensor
		for _, want := range req.Outputs {
			i := slices.IndexFunc(outs, func(o outputTensor) bool { return o.Name == want.Name })
			if i < 0 {
				fail(w, http.StatusBadRequest, "unknown output %q (have label, label_index, scores, known)", want.Name)
				return
			}
			keep = append(keep, outs[i])
		}
		outs = keep
	}
	resp := map[string]any{"model_name": name, "model_version": s.modelVersion(name), "outputs": outs}
	if req.ID != "" {
		resp["id"] = req.ID
	}
	reply(w, http.StatusOK, resp)
}

// batchOf accepts [N,28,28] and [N,1,28,28].
func batchOf(shape []int) (int, error) {
	ok := (len(shape) == 3 && shape[1] == 28 && shape[2] == 28) ||
		(len(shape) == 4 && shape[1] == 1 && shape[2] == 28 && shape[3] == 28)
	if !ok {
		return 0, fmt.Errorf("shape %v, want [N,28,28] or [N,1,28,28]", shape)
	}
	if shape[0] < 1 || shape[0] > maxBatch {
		return 0, fmt.Errorf("batch of %d, want 1 to %d", shape[0], maxBatch)
	}
	return shape[0], nil
}

// tensorData flattens the JSON data (flat or nested arrays, as the
// protocol allows) into want float32 values in [0, 1]: FP32 as given,
// UINT8 divided by 255.
func tensorData(raw json.RawMessage, datatype string, want int) ([]float32, error) {
	var scale float64
	switch datatype {
	case "FP32":
		scale = 1
	case "UINT8":
		scale = 1.0 / 255
	default:
		return nil, fmt.Errorf("datatype %q, want FP32 or UINT8", datatype)
	}
	out := make([]float32, 0, want)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("data: %v", err)
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' {
				depth++
			} else if t == ']' {
				depth--
			} else {
				return nil, fmt.Errorf("data: objects are not tensor values")
			}
			if depth > 5 {
				return nil, fmt.Errorf("data: nested deeper than the shape")
			}
		case json.Number:
			if len(out) == want {
				return nil, fmt.Errorf("data: more than the %d values of the shape", want)
			}
			v, err := t.Float64()
			if err != nil {
				return nil, fmt.Errorf("data: %v", err)
			}
			if datatype == "UINT8" && (v < 0 || v > 255 || v != float64(int(v))) {
				return nil, fmt.Errorf("data: %v is not a UINT8", v)
			}
			out = append(out, float32(v*scale))
		default:
			return nil, fmt.Errorf("data: %v is not a number", tok)
		}
	}
	if len(out) != want {
		return nil, fmt.Errorf("data: %d values, the shape needs %d", len(out), want)
	}
	// The engine's input is a preprocessed image: values in [0, 1], which
	// also keeps out what float32 cannot hold.
	for i, v := range out {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("data: value %d is %v, outside the FP32 input range [0, 1]", i, v)
		}
	}
	return out, nil
}
