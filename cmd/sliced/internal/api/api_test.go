package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

const token = "s3cret"

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := newServerOn(t, t.TempDir(), 1)
	return srv
}

// newServerOn serves the fixture engine of the given seed with state
// directory dir; opts change the Deps.
func newServerOn(t *testing.T, dir string, seed uint64, opts ...func(*Deps)) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(store.Sources{StateDir: dir, Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, seed), nil }})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	sl := backend.NewSliced(st.Engine)
	full, err := backend.NewFullCNN(fixture.FullCNN(models.B, 2))
	if err != nil {
		t.Fatal(err)
	}
	route := &pipeline.Route{Primary: sl}
	up := source.NewUpload()
	d := Deps{
		Version: "test", Store: st, Route: func() *pipeline.Route { return route },
		Backends: func() map[string]backend.Backend { return map[string]backend.Backend{"sliced": sl, "fullcnn": full} },
		Prep:     prep.Frame, Metrics: m, Gatherer: reg, Token: func() string { return token },
		Limits: func() (int64, int64) { return 200_000, 1_000_000 },
		Ready:  func() (bool, string) { return true, "" },
		Uploads: func(n string) *source.Upload {
			if n == "up" {
				return up
			}
			return nil
		},
	}
	for _, o := range opts {
		o(&d)
	}
	srv := httptest.NewServer(Handler(d))
	t.Cleanup(srv.Close)
	return srv, st
}

func do(t *testing.T, method, url, ctype string, body []byte, auth bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if len(b) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s %s: %v in %q", method, url, err, b)
		}
	}
	return resp.StatusCode, v
}

func pngOf(t *testing.T, m image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestV2Metadata(t *testing.T) {
	srv := newServer(t)
	code, v := do(t, "GET", srv.URL+"/v2", "", nil, false)
	if code != 200 || v["name"] != "sliced" || v["version"] != "test" {
		t.Fatalf("/v2: %d %v", code, v)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/health/live", "", nil, false); code != 200 || v["live"] != true {
		t.Fatalf("live: %d %v", code, v)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/health/ready", "", nil, false); code != 200 || v["ready"] != true {
		t.Fatalf("ready: %d %v", code, v)
	}
	code, v = do(t, "GET", srv.URL+"/v2/models/sliced", "", nil, false)
	if code != 200 || v["name"] != "sliced" || len(v["inputs"].([]any)) != 1 || len(v["outputs"].([]any)) != 4 {
		t.Fatalf("model: %d %v", code, v)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/models/sliced/ready", "", nil, false); code != 200 || v["ready"] != true {
		t.Fatalf("model ready: %d %v", code, v)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/models/sliced/versions/1/ready", "", nil, false); code != 200 || v["ready"] != true {
		t.Fatalf("versioned ready: %d %v", code, v)
	}
	if code, _ := do(t, "GET", srv.URL+"/v2/models/sliced/versions/2", "", nil, false); code != 404 {
		t.Fatalf("version 2: %d", code)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/models/nope", "", nil, false); code != 404 || !strings.Contains(v["error"].(string), "nope") {
		t.Fatalf("unknown model: %d %v", code, v)
	}
}

func TestV2Infer(t *testing.T) {
	srv := newServer(t)
	digit := fixture.Tensor(fixture.Digit(3, 0, 0))
	u8 := make([]int, len(digit))
	nested := make([][]float32, 28)
	for i, v := range digit {
		u8[i] = int(v*255 + 0.5)
	}
	for y := range nested {
		nested[y] = digit[y*28 : (y+1)*28]
	}
	cases := []struct {
		name  string
		input map[string]any
	}{
		{"fp32 flat [1,1,28,28]", map[string]any{"name": "input", "shape": []int{1, 1, 28, 28}, "datatype": "FP32", "data": digit}},
		{"fp32 nested [1,28,28]", map[string]any{"name": "input", "shape": []int{1, 28, 28}, "datatype": "FP32", "data": [][][]float32{nested}}},
		{"uint8 [1,28,28]", map[string]any{"name": "input", "shape": []int{1, 28, 28}, "datatype": "UINT8", "data": u8}},
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]any{"id": "q1", "inputs": []any{c.input}})
		code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", body, false)
		if code != 200 {
			t.Fatalf("%s: %d %v", c.name, code, v)
		}
		outs := v["outputs"].([]any)
		label := outs[0].(map[string]any)
		if v["id"] != "q1" || v["model_name"] != "sliced" || label["name"] != "label" || label["data"].([]any)[0] != "3" {
			t.Fatalf("%s: %v", c.name, v)
		}
		scores := outs[2].(map[string]any)
		if sh := scores["shape"].([]any); sh[0].(float64) != 1 || sh[1].(float64) != 10 {
			t.Fatalf("%s: scores shape %v", c.name, sh)
		}
	}
	// The full CNN answers too, with softmax scores.
	body, _ := json.Marshal(map[string]any{"inputs": []any{cases[0].input}, "outputs": []any{map[string]string{"name": "scores"}}})
	code, v := do(t, "POST", srv.URL+"/v2/models/fullcnn/infer", "application/json", body, false)
	if code != 200 || len(v["outputs"].([]any)) != 1 {
		t.Fatalf("fullcnn: %d %v", code, v)
	}
	var sum float64
	for _, x := range v["outputs"].([]any)[0].(map[string]any)["data"].([]any) {
		sum += x.(float64)
	}
	if sum < 0.99 || sum > 1.01 {
		t.Fatalf("fullcnn scores sum to %v", sum)
	}
}

func TestV2InferRejects(t *testing.T) {
	srv := newServer(t)
	for _, c := range []struct{ body, want string }{
		{`{"inputs":[{"name":"x","shape":[1,28],"datatype":"FP32","data":[1]}]}`, "shape"},
		{`{"inputs":[{"name":"x","shape":[1,28,28],"datatype":"FP64","data":[1]}]}`, "FP64"},
		{`{"inputs":[{"name":"x","shape":[1,28,28],"datatype":"FP32","data":[1,2]}]}`, "2 values"},
		{`{"inputs":[{"name":"x","shape":[1,28,28],"datatype":"UINT8","data":[300]}]}`, "UINT8"},
		{`{"inputs":[{"name":"x","shape":[1,28,28],"datatype":"FP32","data":"abc"}]}`, "not a number"},
		{`{"inputs":[]}`, "one input"},
		{`not json`, "request"},
	} {
		code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", []byte(c.body), false)
		if code != 400 || !strings.Contains(fmt.Sprint(v["error"]), c.want) {
			t.Errorf("%s: %d %v, want 400 naming %q", c.body, code, v, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	srv := newServer(t)
	frame := fixture.Frame(5, 320, 240, rand.New(rand.NewPCG(1, 1)))
	code, v := do(t, "POST", srv.URL+"/v1/classify", "image/png", pngOf(t, frame), false)
	if code != 200 || v["label"] != "5" || v["index"] != 5.0 || v["known"] != true || v["backend"] != "sliced" || v["latency_us"].(float64) <= 0 {
		t.Fatalf("%d %v", code, v)
	}
	nbs := v["neighbors"].([]any)
	if nb := nbs[0].(map[string]any); len(nbs) != 3 || nb["label"] != "5" || nb["distance"].(float64) < 0 {
		t.Fatalf("neighbors %v", nbs)
	}
	tm := v["timings"].(map[string]any)
	if tm["inference_us"].(float64) <= 0 || tm["conv_us"].(float64) <= 0 || tm["decode_us"].(float64) <= 0 {
		t.Fatalf("timings %v", tm)
	}
	for _, old := range []string{"class", "neighbours"} {
		if _, ok := v[old]; ok {
			t.Errorf("the answer has %q", old)
		}
	}
	if code, v := do(t, "POST", srv.URL+"/v1/classify?backend=fullcnn", "image/png", pngOf(t, frame), false); code != 200 || v["backend"] != "fullcnn" {
		t.Fatalf("fullcnn: %d %v", code, v)
	}
	if code, _ := do(t, "POST", srv.URL+"/v1/classify", "image/png", []byte("GIF89a nonsense"), false); code != 415 {
		t.Fatalf("garbage: %d, want 415", code)
	}
	blank := image.NewGray(image.Rect(0, 0, 50, 50))
	if code, _ := do(t, "POST", srv.URL+"/v1/classify", "image/png", pngOf(t, blank), false); code != 422 {
		t.Fatalf("blank: %d, want 422", code)
	}
}

func TestLimits(t *testing.T) {
	srv := newServer(t)
	big := make([]byte, 300_000)
	if code, v := do(t, "POST", srv.URL+"/v1/classify", "image/png", big, false); code != 413 {
		t.Fatalf("oversized body: %d %v, want 413", code, v)
	}
	// 2000x2000 of one colour compresses to a few kB but would decode to
	// 4 MP, over the 1 MP limit: refused from the header.
	bomb := pngOf(t, image.NewGray(image.Rect(0, 0, 2000, 2000)))
	if len(bomb) > 200_000 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	if code, v := do(t, "POST", srv.URL+"/v1/classify", "image/png", bomb, false); code != 413 || !strings.Contains(v["error"].(string), "2000x2000") {
		t.Fatalf("bomb: %d %v, want 413", code, v)
	}
}

func TestEnrolment(t *testing.T) {
	srv := newServer(t)
	img := pngOf(t, fixture.Digit(7, 0, 0))
	url := srv.URL + "/v1/classes/seven%20bis/examples"
	if code, _ := do(t, "POST", url, "image/png", img, false); code != 401 {
		t.Fatalf("no token: %d, want 401", code)
	}
	req, _ := http.NewRequest("POST", url, bytes.NewReader(img))
	req.Header.Set("Authorization", "Bearer wrong")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 401 {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	code, v := do(t, "POST", url, "image/png", img, true)
	if code != 201 || v["class"] != "seven bis" || v["examples"].(float64) != 1 {
		t.Fatalf("single: %d %v", code, v)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i < 3; i++ {
		fw, _ := mw.CreateFormFile("image", fmt.Sprintf("%d.png", i))
		fw.Write(pngOf(t, fixture.Digit(7, i-1, 0)))
	}
	mw.Close()
	code, v = do(t, "POST", url, mw.FormDataContentType(), body.Bytes(), true)
	if code != 201 || v["added"].(float64) != 3 || v["examples"].(float64) != 4 {
		t.Fatalf("multipart: %d %v", code, v)
	}
	code, v = do(t, "GET", srv.URL+"/v1/classes", "", nil, false)
	cls := v["classes"].([]any)
	if code != 200 || len(cls) != 11 || cls[10].(map[string]any)["name"] != "seven bis" {
		t.Fatalf("classes: %d %v", code, v)
	}
	if code, _ := do(t, "DELETE", srv.URL+"/v1/classes/seven%20bis", "", nil, false); code != 401 {
		t.Fatalf("delete without token: %d", code)
	}
	if code, _ := do(t, "DELETE", srv.URL+"/v1/classes/seven%20bis", "", nil, true); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := do(t, "DELETE", srv.URL+"/v1/classes/seven%20bis", "", nil, true); code != 404 {
		t.Fatalf("delete again: %d", code)
	}
	if code, v := do(t, "POST", srv.URL+"/v1/classes/a%2Fb/examples", "image/png", img, true); code != 400 {
		t.Fatalf("bad name: %d %v", code, v)
	}
}

func TestUploadAndMetrics(t *testing.T) {
	srv := newServer(t)
	img := pngOf(t, fixture.Digit(1, 0, 0))
	if code, v := do(t, "POST", srv.URL+"/v1/sources/up/frames", "image/png", img, true); code != 202 {
		t.Fatalf("upload: %d %v", code, v)
	}
	if code, _ := do(t, "POST", srv.URL+"/v1/sources/nope/frames", "image/png", img, true); code != 404 {
		t.Fatalf("unknown source: %d", code)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `sliced_http_request_duration_seconds_count{code="202",handler="upload",method="POST"} 1`) {
		t.Fatalf("upload not in the HTTP metrics:\n%s", b)
	}
}

// The MJPEG stream outlives the server's write timeout: each part sets its
// own deadline through the metrics wrapper.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	hub := liveview.New()
	hub.MaxFPS = 50
	reg := prometheus.NewRegistry()
	m, _ := metrics.New(reg)
	h := Handler(Deps{Live: hub, Metrics: m, Gatherer: reg, Limits: func() (int64, int64) { return 1000, 1000 }})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()
	var seq uint64
	publish := func() {
		seq++
		hub.Publish(pipeline.Result{Source: "cam", Frame: source.Frame{Image: image.NewGray(image.Rect(0, 0, 64, 48)), Seq: seq, Time: time.Now()}})
	}
	publish()
	resp, err := http.Get(srv.URL + "/stream.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	mr := multipart.NewReader(resp.Body, params["boundary"])
	// At least five parts, and the stream still going 700 ms (three and a
	// half write timeouts) after it began; a slow machine takes longer,
	// up to 15 s.
	begun := time.Now()
	parts := 0
	for parts < 5 || time.Since(begun) < 700*time.Millisecond {
		if time.Since(begun) > 15*time.Second {
			t.Fatalf("%d parts in 15 s", parts)
		}
		if _, err := mr.NextPart(); err != nil {
			t.Fatalf("after %d parts in %v: %v", parts, time.Since(begun).Round(time.Millisecond), err)
		}
		parts++
		time.Sleep(40 * time.Millisecond) // the next frame, within MaxFPS
		publish()
	}
}
