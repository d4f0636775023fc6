package api

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/models"
)

// newCandidateServer serves the embedded MNIST engine with candidates
// kept in state directory dir.
func newCandidateServer(t *testing.T, dir string) (*httptest.Server, *candidates.Keeper) {
	t.Helper()
	st, err := store.Open(store.Sources{StateDir: dir, Default: models.Default})
	if err != nil {
		t.Fatal(err)
	}
	k, err := candidates.Open(dir, candidates.Options{Keep: candidates.DefaultKeep, Below: candidates.DefaultBelow})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	sl := backend.NewSliced(st.Engine)
	route := &pipeline.Route{Primary: sl}
	srv := httptest.NewServer(Handler(Deps{
		Version: "test", Store: st, Route: func() *pipeline.Route { return route },
		Backends: func() map[string]backend.Backend { return map[string]backend.Backend{"sliced": sl} },
		Prep:     prep.Frame, Metrics: m, Gatherer: reg, Token: func() string { return token },
		Limits:     func() (int64, int64) { return 200_000, 1_000_000 },
		Ready:      func() (bool, string) { return true, "" },
		Candidates: k,
	}))
	t.Cleanup(srv.Close)
	return srv, k
}

// square is a black filled square on white: no digit, answered unknown.
func square(t *testing.T) []byte {
	m := image.NewGray(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			c := color.Gray{255}
			if x > 20 && x < 80 && y > 20 && y < 80 {
				c = color.Gray{0}
			}
			m.SetGray(x, y, c)
		}
	}
	return pngOf(t, m)
}

type candidateList struct {
	Keep       int             `json:"keep"`
	Candidates []candidateJSON `json:"candidates"`
}

func listOf(t *testing.T, url string) candidateList {
	t.Helper()
	code, body := raw(t, "GET", url+"/v1/candidates", nil, false)
	var l candidateList
	if err := json.Unmarshal(body, &l); code != 200 || err != nil {
		t.Fatalf("list: %d %v %s", code, err, body)
	}
	return l
}

func classify(t *testing.T, url string, img []byte) classifyResponse {
	t.Helper()
	code, body := raw(t, "POST", url+"/v1/classify", img, false)
	var r classifyResponse
	if err := json.Unmarshal(body, &r); code != 200 || err != nil {
		t.Fatalf("classify: %d %v %s", code, err, body)
	}
	return r
}

func TestUnknownFrameBecomesCandidateAndIsEnrolled(t *testing.T) {
	dir := t.TempDir()
	srv, _ := newCandidateServer(t, dir)
	six, err := os.ReadFile("../../../../models/demo/00-mnist-6.png")
	if err != nil {
		t.Fatal(err)
	}
	if r := classify(t, srv.URL, six); !r.Known || r.Label != "6" || r.Candidate != "" {
		t.Fatalf("a clear 6: %+v, want it known and not kept", r)
	}
	if l := listOf(t, srv.URL); len(l.Candidates) != 0 || l.Keep != 50 {
		t.Fatalf("after a clear digit: %+v", l)
	}

	r := classify(t, srv.URL, square(t))
	if r.Known || r.Label != "unknown" || r.Nearest == "" || r.Candidate == "" {
		t.Fatalf("a square: %+v, want it unknown and kept", r)
	}
	l := listOf(t, srv.URL)
	if len(l.Candidates) != 1 {
		t.Fatalf("candidates %+v", l)
	}
	c := l.Candidates[0]
	if c.ID != r.Candidate || c.Label != "unknown" || c.Known || c.Score != r.Score || c.Nearest != r.Nearest ||
		c.Source != ClassifySource || c.Time.IsZero() || c.Thumbnail != "/v1/candidates/"+c.ID+"/thumbnail.png" {
		t.Fatalf("candidate %+v for answer %+v", c, r)
	}
	resp, err := http.Get(srv.URL + c.Thumbnail)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Header.Get("Content-Type") != "image/png" || m.Bounds().Dx() != 84 {
		t.Fatalf("thumbnail: %v %q %v", err, resp.Header.Get("Content-Type"), m)
	}

	code, v := do(t, "POST", srv.URL+"/v1/candidates/"+c.ID+"/enrol?class=square", "", nil, true)
	if code != 201 || v["class"] != "square" || v["examples"] != 1.0 || v["version"] != 2.0 || v["removed"] != true {
		t.Fatalf("enrol: %d %v", code, v)
	}
	_, cl := do(t, "GET", srv.URL+"/v1/classes", "", nil, false)
	found := false
	for _, x := range cl["classes"].([]any) {
		if x := x.(map[string]any); x["name"] == "square" {
			found = x["examples"] == 1.0
		}
	}
	if !found {
		t.Fatalf("classes after the enrolment: %v", cl)
	}
	if l := listOf(t, srv.URL); len(l.Candidates) != 0 {
		t.Fatalf("the enrolled candidate is still listed: %+v", l)
	}
	if code, _ := raw(t, "GET", srv.URL+c.Thumbnail, nil, false); code != 404 {
		t.Fatalf("thumbnail of an enrolled candidate: %d", code)
	}
	if r := classify(t, srv.URL, square(t)); r.Label != "square" || !r.Known {
		t.Fatalf("the square after its enrolment: %+v", r)
	}

}

func TestRefusedCandidateRequestsChangeNothing(t *testing.T) {
	dir := t.TempDir()
	srv, _ := newCandidateServer(t, dir)
	id := classify(t, srv.URL, square(t)).Candidate
	if id == "" {
		t.Fatal("the square was not kept")
	}
	before := snapshot(t, srv.URL, dir)
	enrol := srv.URL + "/v1/candidates/" + id + "/enrol"
	for _, tc := range []struct {
		method, url string
		auth        bool
		code        int
		says        string
	}{
		{"POST", enrol + "?class=square", false, 401, "token"},
		{"DELETE", srv.URL + "/v1/candidates/" + id, false, 401, "token"},
		{"POST", enrol, true, 400, "missing ?class"},
		{"POST", enrol + "?class=", true, 400, "missing ?class"},
		{"POST", enrol + "?class=unknown", true, 400, "reserved"},
		{"POST", enrol + "?class=a%2Fb", true, 400, "class name"},
		{"POST", enrol + "?class=" + strings.Repeat("x", 65), true, 400, "class name"},
		{"POST", srv.URL + "/v1/candidates/0123456789abcdef/enrol?class=square", true, 404, "not found"},
		{"POST", srv.URL + "/v1/candidates/..%2F..%2Fengine/enrol?class=square", true, 404, "not found"},
		{"DELETE", srv.URL + "/v1/candidates/0123456789abcdef", true, 404, "not found"},
		{"GET", srv.URL + "/v1/candidates/0123456789abcdef/thumbnail.png", false, 404, "not found"},
	} {
		code, v := do(t, tc.method, tc.url, "", nil, tc.auth)
		msg, _ := v["error"].(string)
		if code != tc.code || !strings.Contains(msg, tc.says) {
			t.Errorf("%s %s: %d %v, want %d saying %q", tc.method, tc.url, code, v, tc.code, tc.says)
		}
		if snapshot(t, srv.URL, dir) != before {
			t.Fatalf("%s %s changed the classes or the state directory", tc.method, tc.url)
		}
	}
	if l := listOf(t, srv.URL); len(l.Candidates) != 1 || l.Candidates[0].ID != id {
		t.Fatalf("after the refusals: %+v", l)
	}

	// A restart keeps it; a deletion drops it, and only it.
	srv2, _ := newCandidateServer(t, dir)
	if l := listOf(t, srv2.URL); len(l.Candidates) != 1 || l.Candidates[0].ID != id {
		t.Fatalf("after a restart: %+v", l)
	}
	if code, _ := raw(t, "DELETE", srv2.URL+"/v1/candidates/"+id, nil, true); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if l := listOf(t, srv2.URL); len(l.Candidates) != 0 {
		t.Fatalf("after the deletion: %+v", l)
	}
	if code, _ := raw(t, "DELETE", srv2.URL+"/v1/candidates/"+id, nil, true); code != 404 {
		t.Fatalf("second delete: %d", code)
	}
	ents, _ := os.ReadDir(dir + "/" + candidates.Folder)
	if len(ents) != 0 {
		t.Fatalf("files left: %v", ents)
	}
	if _, v := do(t, "GET", srv2.URL+"/v1/classes", "", nil, false); len(v["classes"].([]any)) != 10 {
		t.Fatalf("classes changed: %v", v)
	}
}

func TestNoCandidatesWhenNoneKept(t *testing.T) {
	srv := newServer(t) // no Keeper
	code, body := raw(t, "GET", srv.URL+"/v1/candidates", nil, false)
	if code != 200 || !strings.Contains(string(body), `"candidates": []`) || !strings.Contains(string(body), `"keep": 0`) {
		t.Fatalf("list without a keeper: %d %s", code, body)
	}
	if code, _ := raw(t, "POST", srv.URL+"/v1/candidates/0123456789abcdef/enrol?class=x", nil, true); code != 404 {
		t.Fatalf("enrol without a keeper: %d", code)
	}
	if code, _ := raw(t, "DELETE", srv.URL+"/v1/candidates/0123456789abcdef", nil, true); code != 404 {
		t.Fatalf("delete without a keeper: %d", code)
	}
}
