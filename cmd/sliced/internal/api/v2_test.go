package api

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// batchOfDigits is n drawn digits, 0, 1, ... laid end to end.
func batchOfDigits(n int) []float32 {
	var in []float32
	for d := 0; d < n; d++ {
		in = append(in, fixture.Tensor(fixture.Digit(d%10, 0, 0))...)
	}
	return in
}

// binaryRequest is an infer request as Triton's client sends it by
// default: a JSON header, then the input's little-endian FP32 bytes.
func binaryRequest(t *testing.T, url string, in []float32, header map[string]any) *http.Response {
	t.Helper()
	raw := make([]byte, 0, 4*len(in))
	for _, v := range in {
		raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
	}
	header["inputs"] = []any{map[string]any{"name": "input", "shape": []int{len(in) / 784, 1, 28, 28}, "datatype": "FP32",
		"parameters": map[string]any{"binary_data_size": len(raw)}}}
	js, _ := json.Marshal(header)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(append(js, raw...)))
	req.Header.Set("Inference-Header-Content-Length", strconv.Itoa(len(js)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

type v2Output struct {
	Name       string
	Datatype   string
	Shape      []int
	Parameters struct {
		BinaryDataSize *int `json:"binary_data_size"`
	}
	Data json.RawMessage
}

// splitBinary reads a binary tensor answer: the JSON header and each
// binary output's bytes by name.
func splitBinary(t *testing.T, resp *http.Response) ([]v2Output, map[string][]byte) {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	n, err := strconv.Atoi(resp.Header.Get("Inference-Header-Content-Length"))
	if err != nil || n > len(body) {
		t.Fatalf("Inference-Header-Content-Length %q of a %d-byte body", resp.Header.Get("Inference-Header-Content-Length"), len(body))
	}
	var head struct{ Outputs []v2Output }
	if err := json.Unmarshal(body[:n], &head); err != nil {
		t.Fatalf("header: %v in %q", err, body[:n])
	}
	rest, bins := body[n:], map[string][]byte{}
	for _, o := range head.Outputs {
		if s := o.Parameters.BinaryDataSize; s != nil {
			bins[o.Name], rest = rest[:*s], rest[*s:]
		}
	}
	if len(rest) != 0 {
		t.Fatalf("%d bytes past the outputs", len(rest))
	}
	return head.Outputs, bins
}

// The binary tensor extension both ways: the answer's bytes decode to what
// the JSON answer says, element by element.
func TestV2BinaryTensors(t *testing.T) {
	srv := newServer(t)
	in := batchOfDigits(4)
	outs, bins := splitBinary(t, binaryRequest(t, srv.URL+"/v2/models/sliced/infer", in,
		map[string]any{"parameters": map[string]any{"binary_data_output": true}}))
	if len(outs) != 4 || len(bins) != 4 {
		t.Fatalf("outputs %+v", outs)
	}
	// The same images as JSON.
	js, _ := json.Marshal(map[string]any{"inputs": []any{map[string]any{"name": "input", "shape": []int{4, 28, 28}, "datatype": "FP32", "data": in}}})
	code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", js, false)
	if code != 200 {
		t.Fatalf("JSON: %d %v", code, v)
	}
	want := map[string][]any{}
	for _, o := range v["outputs"].([]any) {
		o := o.(map[string]any)
		want[o["name"].(string)] = o["data"].([]any)
	}
	var labels []any
	for b := bins["label"]; len(b) > 0; {
		k := binary.LittleEndian.Uint32(b)
		labels, b = append(labels, string(b[4:4+k])), b[4+k:]
	}
	if !equalJSON(labels, want["label"]) {
		t.Errorf("label: binary %v, JSON %v", labels, want["label"])
	}
	var index []any
	for b := bins["label_index"]; len(b) > 0; b = b[8:] {
		index = append(index, float64(int64(binary.LittleEndian.Uint64(b))))
	}
	if !equalJSON(index, want["label_index"]) {
		t.Errorf("label_index: binary %v, JSON %v", index, want["label_index"])
	}
	var scores []any
	for b := bins["scores"]; len(b) > 0; b = b[4:] {
		scores = append(scores, float64(math.Float32frombits(binary.LittleEndian.Uint32(b))))
	}
	if len(scores) != 40 || math.Abs(scores[3].(float64)-want["scores"][3].(float64)) > 1e-6 {
		t.Errorf("scores: binary %v, JSON %v", scores, want["scores"])
	}
	var known []any
	for _, c := range bins["known"] {
		known = append(known, c == 1)
	}
	if !equalJSON(known, want["known"]) {
		t.Errorf("known: binary %v, JSON %v", known, want["known"])
	}

	// Per output: binary_data picks which come in binary.
	outs, bins = splitBinary(t, binaryRequest(t, srv.URL+"/v2/models/sliced/infer", in, map[string]any{"outputs": []any{
		map[string]any{"name": "label", "parameters": map[string]any{"binary_data": true}},
		map[string]any{"name": "known", "parameters": map[string]any{"binary_data": false}},
	}}))
	var knownJSON []bool
	if len(outs) != 2 || len(bins) != 1 || bins["label"] == nil || json.Unmarshal(outs[1].Data, &knownJSON) != nil || len(knownJSON) != 4 {
		t.Fatalf("mixed outputs %+v", outs)
	}
}

func equalJSON(a, b []any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestV2BinaryRejects(t *testing.T) {
	srv := newServer(t)
	post := func(header string, body []byte) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/v2/models/sliced/infer", bytes.NewReader(body))
		if header != "" {
			req.Header.Set("Inference-Header-Content-Length", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Error
	}
	head := `{"inputs":[{"name":"input","shape":[1,28,28],"datatype":"FP32","parameters":{"binary_data_size":3136}}]}`
	for _, c := range []struct {
		header string
		body   []byte
		want   string
	}{
		{"x", []byte(head), "Inference-Header-Content-Length"},
		{"99999", []byte(head), "within the body"},
		{strconv.Itoa(len(head)), append([]byte(head), make([]byte, 100)...), "binary_data_size 3136, but 100 bytes"},
		{"", []byte(head), "binary_data_size 3136, but 0 bytes"},
		{strconv.Itoa(len(head) - 1), []byte(head), "request"},
		{"2", []byte(`{}` + "xx"), "one input"},
	} {
		if code, msg := post(c.header, c.body); code != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("header %q: %d %q, want 400 saying %q", c.header, code, msg, c.want)
		}
	}
	// A value outside [0, 1] in binary is refused as in JSON.
	nan := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(math.NaN())))
	body := append([]byte(head), append(nan, make([]byte, 3132)...)...)
	if code, msg := post(strconv.Itoa(len(head)), body); code != 400 || !strings.Contains(msg, "outside") {
		t.Errorf("NaN: %d %q", code, msg)
	}
}

// The classification extension: the top k of scores as
// "score:index:label", best first, [N, k] BYTES.
func TestV2Classification(t *testing.T) {
	srv := newServer(t)
	in := batchOfDigits(2)
	body := func(k int, name string) []byte {
		b, _ := json.Marshal(map[string]any{
			"inputs":  []any{map[string]any{"name": "input", "shape": []int{2, 1, 28, 28}, "datatype": "FP32", "data": in}},
			"outputs": []any{map[string]any{"name": name, "parameters": map[string]any{"classification": k}}, map[string]any{"name": "scores"}},
		})
		return b
	}
	code, v := do(t, "POST", srv.URL+"/v2/models/fullcnn/infer", "application/json", body(3, "scores"), false)
	if code != 200 {
		t.Fatalf("%d %v", code, v)
	}
	outs := v["outputs"].([]any)
	top, full := outs[0].(map[string]any), outs[1].(map[string]any)["data"].([]any)
	if top["datatype"] != "BYTES" || !equalJSON(top["shape"].([]any), []any{2, 3}) {
		t.Fatalf("top: %v", top)
	}
	for i, s := range top["data"].([]any) {
		p := strings.Split(s.(string), ":")
		if len(p) != 3 {
			t.Fatalf("%q: want score:index:label", s)
		}
		score, _ := strconv.ParseFloat(p[0], 64)
		idx, _ := strconv.Atoi(p[1])
		if img := i / 3; math.Abs(score-full[img*10+idx].(float64)) > 1e-6 || p[2] != p[1] {
			t.Errorf("%q: scores[%d][%d] is %v", s, img, idx, full[img*10+idx])
		}
		if i%3 > 0 {
			prev, _ := strconv.ParseFloat(strings.Split(top["data"].([]any)[i-1].(string), ":")[0], 64)
			if prev < score {
				t.Errorf("top %d: %v after %v, want best first", i, score, prev)
			}
		}
	}
	if code, v := do(t, "POST", srv.URL+"/v2/models/fullcnn/infer", "application/json", body(99, "scores"), false); code != 200 ||
		!equalJSON(v["outputs"].([]any)[0].(map[string]any)["shape"].([]any), []any{2, 10}) {
		t.Errorf("classification 99 of 10 classes: %d %v, want all 10", code, v)
	}
	if code, v := do(t, "POST", srv.URL+"/v2/models/fullcnn/infer", "application/json", body(2, "label"), false); code != 400 || !strings.Contains(v["error"].(string), "scores") {
		t.Errorf("classification of label: %d %v", code, v)
	}
	if code, _ := do(t, "POST", srv.URL+"/v2/models/fullcnn/infer", "application/json", body(-1, "scores"), false); code != 400 {
		t.Errorf("classification -1: %d", code)
	}
}

func TestV2ConfigAndStats(t *testing.T) {
	srv := newServer(t)
	code, v := do(t, "GET", srv.URL+"/v2", "", nil, false)
	if code != 200 || !equalJSON(v["extensions"].([]any), []any{"binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics"}) {
		t.Fatalf("/v2: %v", v)
	}
	code, v = do(t, "GET", srv.URL+"/v2/models/fullcnn/config", "", nil, false)
	if code != 200 || v["name"] != "fullcnn" || v["max_batch_size"] != float64(maxBatch) || v["backend"] != "fullcnn" {
		t.Fatalf("config: %d %v", code, v)
	}
	in := v["input"].([]any)[0].(map[string]any)
	if in["data_type"] != "TYPE_FP32" || !equalJSON(in["dims"].([]any), []any{1, 28, 28}) || len(v["output"].([]any)) != 4 {
		t.Fatalf("config tensors: %v", v)
	}
	// Statistics count images and requests, by batch size, and failures.
	for _, n := range []int{1, 3, 3} {
		resp := binaryRequest(t, srv.URL+"/v2/models/sliced/infer", batchOfDigits(n), map[string]any{})
		resp.Body.Close()
	}
	do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", []byte("{"), false)
	code, v = do(t, "GET", srv.URL+"/v2/models/sliced/stats", "", nil, false)
	var st struct {
		ModelStats []modelStats `json:"model_stats"`
	}
	b, _ := json.Marshal(v)
	json.Unmarshal(b, &st)
	if code != 200 || len(st.ModelStats) != 1 {
		t.Fatalf("stats: %d %v", code, v)
	}
	s := st.ModelStats[0]
	is := s.InferenceStats
	if s.Name != "sliced" || s.Version != "1" || s.InferenceCount != 7 || s.ExecutionCount != 3 || s.LastInference == 0 ||
		is.Success.Count != 3 || is.Fail.Count != 1 || is.ComputeInfer.Count != 3 || is.ComputeInfer.NS == 0 || is.Success.NS < is.ComputeInfer.NS ||
		len(s.BatchStats) != 2 || s.BatchStats[0].BatchSize != 1 || s.BatchStats[1].BatchSize != 3 || s.BatchStats[1].ComputeInfer.Count != 2 {
		t.Fatalf("stats: %+v", s)
	}
	code, v = do(t, "GET", srv.URL+"/v2/models/stats", "", nil, false)
	if all := v["model_stats"].([]any); code != 200 || len(all) != 2 || all[0].(map[string]any)["name"] != "fullcnn" ||
		all[0].(map[string]any)["inference_count"] != 0.0 {
		t.Fatalf("all stats: %d %v", code, v)
	}
}

// The repository extension over a model folder: the index, load and
// unload with the token, and a loaded file served as a model.
func TestV2Repository(t *testing.T) {
	dir := t.TempDir()
	full, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	engine.Save(filepath.Join(dir, "cnn.slc"), full)
	engine.Save(filepath.Join(dir, "knn.slc"), fixture.Engine(models.B, 3))
	os.WriteFile(filepath.Join(dir, "broken.slc"), []byte("not an engine"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a model"), 0o644)
	srv, _ := newServerOn(t, t.TempDir(), 1, func(d *Deps) { d.ModelDir = func() string { return dir } })

	index := func(body string) map[string]string {
		resp, b := send(t, "POST", srv.URL+"/v2/repository/index", []byte(body), false)
		var list []repoEntry
		if err := json.Unmarshal(b, &list); resp.StatusCode != 200 || err != nil {
			t.Fatalf("index: %d %s", resp.StatusCode, b)
		}
		m := map[string]string{}
		for _, e := range list {
			m[e.Name] = e.State
		}
		return m
	}
	if got := index(""); len(got) != 5 || got["sliced"] != "READY" || got["fullcnn"] != "READY" || got["cnn"] != "UNAVAILABLE" || got["broken"] != "UNAVAILABLE" {
		t.Fatalf("index %v", got)
	}
	if got := index(`{"ready": true}`); len(got) != 2 {
		t.Fatalf("ready index %v", got)
	}
	for _, c := range []struct {
		path string
		auth bool
		code int
		says string
	}{
		{"/v2/repository/models/cnn/load", false, 401, "token"},
		{"/v2/repository/models/cnn/load", true, 200, ""},
		{"/v2/repository/models/knn/load", true, 200, ""},
		{"/v2/repository/models/broken/load", true, 400, "broken"},
		{"/v2/repository/models/nope/load", true, 404, "no nope.slc"},
		{"/v2/repository/models/..%2Fetc/load", true, 400, "model name"},
		{"/v2/repository/models/sliced/load", true, 200, ""},
	} {
		resp, b := send(t, "POST", srv.URL+c.path, nil, c.auth)
		if resp.StatusCode != c.code || c.code != 200 && !strings.Contains(errorOf(t, c.path, resp, b), c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.path, resp.StatusCode, b, c.code, c.says)
		}
	}
	if got := index(`{"ready": true}`); len(got) != 4 || got["cnn"] != "READY" || got["knn"] != "READY" {
		t.Fatalf("index after load %v", got)
	}
	for _, m := range []string{"cnn", "knn"} {
		outs, _ := splitBinary(t, binaryRequest(t, srv.URL+"/v2/models/"+m+"/infer", batchOfDigits(2), map[string]any{"parameters": map[string]any{"binary_data_output": true}}))
		if len(outs) != 4 || outs[2].Shape[1] != 10 {
			t.Errorf("%s: %+v", m, outs)
		}
	}
	if code, v := do(t, "GET", srv.URL+"/v2/models/cnn/config", "", nil, false); code != 200 || v["backend"] != "cnn" {
		t.Errorf("config of a loaded file: %d %v", code, v)
	}
	if resp, b := send(t, "POST", srv.URL+"/v2/repository/models/cnn/load", []byte(`{"parameters":{"config":"{}"}}`), true); resp.StatusCode != 400 {
		t.Errorf("load with a config: %d %s", resp.StatusCode, b)
	}
	if resp, b := send(t, "POST", srv.URL+"/v2/repository/models/cnn/unload", []byte(`{"parameters":{"unload_dependents":false}}`), true); resp.StatusCode != 200 {
		t.Fatalf("unload: %d %s", resp.StatusCode, b)
	}
	if code, _ := do(t, "GET", srv.URL+"/v2/models/cnn/ready", "", nil, false); code != 404 {
		t.Errorf("ready after unload: %d", code)
	}
	if resp, _ := send(t, "POST", srv.URL+"/v2/repository/models/nope/unload", nil, true); resp.StatusCode != 404 {
		t.Errorf("unload of nothing: %d", resp.StatusCode)
	}
}

// Every inference is in the stage histograms with the path it came by, as
// /metrics shows them to a scraper.
func TestInferenceMetricsByPath(t *testing.T) {
	srv := newServer(t)
	if code, _ := do(t, "POST", srv.URL+"/v1/classify", "image/png", pngOf(t, fixture.Digit(2, 0, 0)), false); code != 200 {
		t.Fatalf("classify: %d", code)
	}
	binaryRequest(t, srv.URL+"/v2/models/fullcnn/infer", batchOfDigits(3), map[string]any{}).Body.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]uint64{}
	for _, m := range fams["sliced_pipeline_stage_duration_seconds"].GetMetric() {
		l := map[string]string{}
		for _, p := range m.GetLabel() {
			l[p.GetName()] = p.GetValue()
		}
		count[l["stage"]+" "+l["path"]+" "+l["backend"]+" "+l["source"]] += m.GetHistogram().GetSampleCount()
	}
	for key, want := range map[string]uint64{
		"inference classify sliced ": 1, "preprocess classify sliced ": 1, "conv classify sliced ": 1, "knn classify sliced ": 1,
		"inference v2 fullcnn ": 3,
	} {
		if count[key] != want {
			t.Errorf("%q: %d observations, want %d (have %v)", key, count[key], want, count)
		}
	}
}

// Inferences, statistics and the index while a model is loaded and
// unloaded over and over: for the race detector, and no answer but 200 or
// a JSON 404.
func TestV2RepositoryConcurrent(t *testing.T) {
	dir := t.TempDir()
	full, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	engine.Save(filepath.Join(dir, "cnn.slc"), full)
	srv, _ := newServerOn(t, t.TempDir(), 1, func(d *Deps) { d.ModelDir = func() string { return dir } })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			// Not send: t.Fatal belongs to the test's goroutine.
			req, _ := http.NewRequest("POST", srv.URL+"/v2/repository/models/cnn/"+[]string{"load", "unload"}[i%2], nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}()
	in := batchOfDigits(2)
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		default:
		}
		resp := binaryRequest(t, srv.URL+"/v2/models/cnn/infer", in, map[string]any{})
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 404 {
			t.Fatalf("infer during load and unload: %d", resp.StatusCode)
		}
		send(t, "GET", srv.URL+"/v2/models/stats", nil, false)
		send(t, "POST", srv.URL+"/v2/repository/index", nil, false)
	}
}
