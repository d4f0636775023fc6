package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
)

// errorOf checks that a client gets a JSON error body and returns its
// message.
func errorOf(t *testing.T, what string, resp *http.Response, body []byte) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: %d with Content-Type %q: %q", what, resp.StatusCode, ct, body)
		return ""
	}
	var v struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Error == "" {
		t.Errorf("%s: %d %q is no JSON error (%v)", what, resp.StatusCode, body, err)
	}
	return v.Error
}

func send(t *testing.T, method, url string, body []byte, auth bool) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// Every failure, the mux's 404 and 405 included, reaches a client as
// {"error": "..."} in application/json.
func TestErrorsAreJSON(t *testing.T) {
	srv := newServer(t)
	img := pngOf(t, fixture.Digit(7, 0, 0))
	for _, tc := range []struct {
		method, path string
		body         []byte
		auth         bool
		code         int
		says, allow  string
	}{
		{"GET", "/v1/nope", nil, false, 404, "no route for GET /v1/nope", ""},
		{"GET", "/nope", nil, false, 404, "no route", ""},
		{"GET", "/", nil, false, 404, "no route", ""}, // no live view here
		{"GET", "/v2/nope", nil, false, 404, "no route", ""},
		{"GET", "/v1/classify", nil, false, 405, "method GET not allowed", "POST"},
		{"PUT", "/v1/classes", nil, false, 405, "allowed: GET, HEAD", "GET, HEAD"},
		{"POST", "/v2/health/live", nil, false, 405, "not allowed", "GET, HEAD"},
		{"POST", "/v1/classify", []byte("GIF89a nonsense"), false, 415, "", ""},
		{"POST", "/v1/classify", make([]byte, 300_000), false, 413, "limit", ""},
		{"POST", "/v1/classify?backend=nope", img, false, 404, "nope", ""},
		{"POST", "/v1/classes/x/examples", img, false, 401, "token", ""},
		{"POST", "/v1/classes/a%2Fb/examples", img, true, 400, "class name", ""},
		{"DELETE", "/v1/classes/nope", nil, true, 404, "not found", ""},
		{"DELETE", "/v1/classes/unknown", nil, true, 400, "cannot be removed", ""},
		{"POST", "/v1/engine/rollback", nil, true, 409, "nothing to roll back", ""},
		{"POST", "/v1/classes/import", []byte("not an enrolment file"), true, 400, "", ""},
		{"POST", "/v1/sources/nope/frames", img, true, 404, "no upload source", ""},
		{"GET", "/v1/candidates/0123456789abcdef/thumbnail.png", nil, false, 404, "not found", ""},
		{"GET", "/v2/models/nope", nil, false, 404, "nope", ""},
		{"GET", "/v2/models/sliced/versions/9", nil, false, 404, "no version", ""},
		{"POST", "/v2/models/sliced/infer", []byte("{"), false, 400, "request", ""},
		{"GET", "/v2/models/sliced/infer", nil, false, 405, "not allowed", "POST"},
		{"GET", "/v2/models/nope/config", nil, false, 404, "nope", ""},
		{"GET", "/v2/models/nope/stats", nil, false, 404, "nope", ""},
		{"GET", "/v2/models/sliced/versions/9/stats", nil, false, 404, "no version", ""},
		{"GET", "/v2/repository/index", nil, false, 405, "not allowed", "POST"},
		{"POST", "/v2/repository/index", []byte("[1"), false, 400, "request", ""},
		{"POST", "/v2/repository/models/x/load", nil, false, 401, "token", ""},
		{"POST", "/v2/repository/models/x/unload", nil, false, 401, "token", ""},
		{"POST", "/v2/repository/models/x/load", nil, true, 404, "no model folder", ""},
		{"POST", "/v2/repository/models/sliced/unload", nil, true, 409, "configured", ""},
		{"DELETE", "/v2/repository/models/x/load", nil, true, 405, "not allowed", "POST"},
	} {
		what := tc.method + " " + tc.path
		resp, body := send(t, tc.method, srv.URL+tc.path, tc.body, tc.auth)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: %d %q, want %d", what, resp.StatusCode, body, tc.code)
			continue
		}
		if msg := errorOf(t, what, resp, body); !strings.Contains(msg, tc.says) {
			t.Errorf("%s: error %q does not say %q", what, msg, tc.says)
		}
		if got := resp.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s: Allow %q, want %q", what, got, tc.allow)
		}
	}
}

// With the live view routed, a path beside it is still a JSON 404, and
// the view's own paths still answer.
func TestUnroutedBesideLiveView(t *testing.T) {
	srv := httptest.NewServer(Handler(Deps{Live: liveview.New(), Gatherer: prometheus.NewRegistry(), Limits: func() (int64, int64) { return 1000, 1000 }}))
	defer srv.Close()
	resp, body := send(t, "GET", srv.URL+"/index.html", nil, false)
	if resp.StatusCode != 404 || !strings.Contains(errorOf(t, "GET /index.html", resp, body), "no route") {
		t.Fatalf("GET /index.html: %d %q", resp.StatusCode, body)
	}
	resp, body = send(t, "DELETE", srv.URL+"/", nil, false)
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("DELETE /: %d %q", resp.StatusCode, body)
	}
	errorOf(t, "DELETE /", resp, body)
	if resp, body := send(t, "GET", srv.URL+"/v1/recent", nil, false); resp.StatusCode != 200 || string(body) != "[]\n" {
		t.Fatalf("GET /v1/recent: %d %q", resp.StatusCode, body)
	}
}

// A state directory that cannot be written fails every change with a 500
// and a JSON error, whichever route makes it, and the engine served stays
// as it was.
func TestStorageFailureIs500(t *testing.T) {
	t.Run("blocked", func(t *testing.T) {
		storageFails(t, func(dir, id string) {
			// Root writes into read-only folders, so files stand where
			// folders must be written: every change of the engine begins
			// in versions/, and a candidate is removed by unlinking its file.
			if err := os.RemoveAll(filepath.Join(dir, store.VersionsDir)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, store.VersionsDir), []byte("in the way"), 0o644); err != nil {
				t.Fatal(err)
			}
			cand := filepath.Join(dir, candidates.Folder, id+".json")
			if err := os.Remove(cand); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(cand, "in the way"), 0o755); err != nil {
				t.Fatal(err)
			}
		})
	})
	t.Run("read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into read-only folders (the blocked case covers root)")
		}
		storageFails(t, func(dir, id string) {
			folders := []string{filepath.Join(dir, store.VersionsDir), filepath.Join(dir, candidates.Folder), dir}
			for _, d := range folders {
				if err := os.Chmod(d, 0o555); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() {
				for _, d := range folders {
					os.Chmod(d, 0o755)
				}
			})
		})
	})
}

// storageFails enrols a class, keeps a candidate, lets breakIt make the
// state directory unwritable and then tries every change.
func storageFails(t *testing.T, breakIt func(dir, candidate string)) {
	dir := t.TempDir()
	srv, _ := newCandidateServer(t, dir)
	enrolSeven(t, srv.URL)
	id := classify(t, srv.URL, square(t)).Candidate
	if id == "" {
		t.Fatal("the square was not kept")
	}
	other, _ := newCandidateServer(t, t.TempDir())
	if code, v := do(t, "POST", other.URL+"/v1/classes/other/examples", "image/png", pngOf(t, fixture.Digit(4, 0, 0)), true); code != 201 {
		t.Fatalf("enrol elsewhere: %d %v", code, v)
	}
	code, file := raw(t, "GET", other.URL+"/v1/classes/export", nil, false)
	if code != 200 {
		t.Fatalf("export: %d %s", code, file)
	}
	_, before := raw(t, "GET", srv.URL+"/v1/classes", nil, false)

	breakIt(dir, id)
	for _, tc := range []struct {
		method, path string
		body         []byte
	}{
		{"POST", "/v1/classes/eight/examples", pngOf(t, fixture.Digit(8, 0, 0))},
		{"DELETE", "/v1/classes/seven%20bis", nil},
		{"POST", "/v1/classes/import", file},
		{"POST", "/v1/engine/rollback", nil},
		{"POST", "/v1/candidates/" + id + "/enrol?class=square", nil},
		{"DELETE", "/v1/candidates/" + id, nil},
	} {
		what := tc.method + " " + tc.path
		resp, body := send(t, tc.method, srv.URL+tc.path, tc.body, true)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: %d %q, want 500", what, resp.StatusCode, body)
			continue
		}
		errorOf(t, what, resp, body)
	}
	if _, after := raw(t, "GET", srv.URL+"/v1/classes", nil, false); string(after) != string(before) {
		t.Fatalf("the classes changed: %s, then %s", before, after)
	}
	if l := listOf(t, srv.URL); len(l.Candidates) != 1 || l.Candidates[0].ID != id {
		t.Fatalf("candidates after the failures: %+v", l)
	}
}
