package api

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
)

// raw does a request and returns the status and the body as it came.
func raw(t *testing.T, method, url string, body []byte, auth bool) (int, []byte) {
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
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// snapshot is what a refused request must leave alone: the class list and
// every file of the state directory.
func snapshot(t *testing.T, url, dir string) string {
	t.Helper()
	_, classes := raw(t, "GET", url+"/v1/classes", nil, false)
	var b strings.Builder
	b.Write(classes)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			b.WriteString(p + "\x00" + string(data))
		}
		return nil
	})
	return b.String()
}

func enrolSeven(t *testing.T, url string) {
	t.Helper()
	for _, dx := range []int{-2, 0, 2} {
		if code, v := do(t, "POST", url+"/v1/classes/seven%20bis/examples", "image/png", pngOf(t, fixture.Digit(7, dx, 1)), true); code != 201 {
			t.Fatalf("enrol: %d %v", code, v)
		}
	}
}

func modelVersion(t *testing.T, url string) (meta, infer any) {
	t.Helper()
	_, v := do(t, "GET", url+"/v2/models/sliced", "", nil, false)
	body, _ := json.Marshal(map[string]any{"inputs": []any{map[string]any{"name": "input", "shape": []int{1, 28, 28}, "datatype": "FP32", "data": fixture.Tensor(fixture.Digit(3, 0, 0))}}})
	_, r := do(t, "POST", url+"/v2/models/sliced/infer", "application/json", body, false)
	return v["versions"], r["model_version"]
}

func TestRollback(t *testing.T) {
	dir := t.TempDir()
	srv, _ := newServerOn(t, dir, 1)
	url := srv.URL + "/v1/engine/rollback"
	if code, _ := do(t, "POST", url, "", nil, false); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	before := snapshot(t, srv.URL, dir)
	code, v := do(t, "POST", url, "", nil, true)
	if code != 409 || !strings.Contains(v["error"].(string), "nothing to roll back to") {
		t.Fatalf("first version: %d %v", code, v)
	}
	if snapshot(t, srv.URL, dir) != before {
		t.Fatal("a refused rollback changed the store")
	}
	enrolSeven(t, srv.URL) // versions 2, 3, 4
	if meta, infer := modelVersion(t, srv.URL); meta.([]any)[0] != "4" || infer != "4" {
		t.Fatalf("after enrolment: versions %v, model_version %v", meta, infer)
	}
	if code, _ := do(t, "GET", srv.URL+"/v2/models/sliced/versions/4/ready", "", nil, false); code != 200 {
		t.Fatalf("versions/4: %d", code)
	}
	if code, v := do(t, "GET", srv.URL+"/v2/models/sliced/versions/1", "", nil, false); code != 404 || !strings.Contains(v["error"].(string), "version 4") {
		t.Fatalf("versions/1: %d %v", code, v)
	}
	// Other models do not change with the engine.
	if _, v := do(t, "GET", srv.URL+"/v2/models/fullcnn", "", nil, false); v["versions"].([]any)[0] != "1" {
		t.Fatalf("fullcnn: %v", v)
	}
	for want := 5; want <= 7; want++ {
		code, v = do(t, "POST", url, "", nil, true)
		if code != 200 || v["version"].(float64) != float64(want) {
			t.Fatalf("rollback: %d %v", code, v)
		}
	}
	// Back at the first version's content, under version 7.
	if len(v["classes"].([]any)) != 10 || len(v["previous"].([]any)) != 0 {
		t.Fatalf("after three rollbacks: %v", v)
	}
	if meta, infer := modelVersion(t, srv.URL); meta.([]any)[0] != "7" || infer != "7" {
		t.Fatalf("after the rollbacks: versions %v, model_version %v", meta, infer)
	}
	if code, _ := do(t, "POST", url, "", nil, true); code != 409 {
		t.Fatalf("rollback past the first version: %d", code)
	}
	// A restart serves what the rollback left.
	again, _ := newServerOn(t, dir, 1)
	if meta, _ := modelVersion(t, again.URL); meta.([]any)[0] != "7" {
		t.Fatalf("after a restart: %v", meta)
	}
}

func TestExportImport(t *testing.T) {
	a, _ := newServerOn(t, t.TempDir(), 1)
	enrolSeven(t, a.URL)
	code, file := raw(t, "GET", a.URL+"/v1/classes/export", nil, false)
	if code != 200 || len(file) < 100 {
		t.Fatalf("export: %d, %d bytes", code, len(file))
	}

	dir := t.TempDir()
	b, _ := newServerOn(t, dir, 1)
	if code, _ := do(t, "POST", b.URL+"/v1/classes/import", "application/octet-stream", file, false); code != 401 {
		t.Fatalf("import without a token: %d", code)
	}
	code, v := do(t, "POST", b.URL+"/v1/classes/import", "application/octet-stream", file, true)
	if code != 201 || v["version"].(float64) != 2 || v["imported"].([]any)[0] != "seven bis" {
		t.Fatalf("import: %d %v", code, v)
	}
	_, ca := do(t, "GET", a.URL+"/v1/classes", "", nil, false)
	_, cb := do(t, "GET", b.URL+"/v1/classes", "", nil, false)
	if jsonOf(ca) != jsonOf(cb) {
		t.Fatalf("classes differ: %v and %v", ca, cb)
	}
	// The imported class classifies as where it was enrolled.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{7, 7, 1, 3} {
		img := pngOf(t, fixture.Frame(d, 200, 150, rng))
		_, ra := do(t, "POST", a.URL+"/v1/classify", "image/png", img, false)
		_, rb := do(t, "POST", b.URL+"/v1/classify", "image/png", img, false)
		if ra["label"] != rb["label"] || ra["index"] != rb["index"] || ra["score"] != rb["score"] || jsonOf(ra["neighbors"]) != jsonOf(rb["neighbors"]) {
			t.Fatalf("digit %d: %v %v where enrolled, %v %v imported", d, ra["label"], ra["score"], rb["label"], rb["score"])
		}
	}

	// Refused imports: each a clear 4xx, and nothing stored changes.
	other, _ := newServerOn(t, t.TempDir(), 2)
	enrolSeven(t, other.URL)
	_, otherFile := raw(t, "GET", other.URL+"/v1/classes/export", nil, false)
	flipped := bytes.Clone(file)
	flipped[len(flipped)/2] ^= 1
	before := snapshot(t, b.URL, dir)
	for _, c := range []struct {
		name string
		body []byte
		code int
		want string
	}{
		{"the same classes again", file, 409, `"seven bis" already in the engine`},
		{"another conv stack", otherFile, 409, "conv stack"},
		{"a flipped bit", flipped, 400, "corrupt"},
		{"truncated", file[:len(file)/3], 400, "truncated"},
		{"not an enrolment file", pngOf(t, fixture.Digit(1, 0, 0)), 400, "not an enrolment file"},
		{"a class name too long", renamed(file, strings.Repeat("x", 65)), 400, "1-64"},
		{"the reserved name", renamed(file, "unknown"), 400, "reserved"},
		{"no classes", emptied(file), 422, "no classes"},
		{"over the body limit", make([]byte, 300_000), 413, "limit"},
	} {
		code, v := do(t, "POST", b.URL+"/v1/classes/import", "application/octet-stream", c.body, true)
		if code != c.code || !strings.Contains(v["error"].(string), c.want) {
			t.Errorf("%s: %d %v, want %d naming %q", c.name, code, v, c.code, c.want)
		}
		if snapshot(t, b.URL, dir) != before {
			t.Fatalf("%s: the refused import changed the store", c.name)
		}
	}
}

// An export with nothing enrolled is a valid file with no classes, which
// an import refuses.
func TestExportWithNothingEnrolled(t *testing.T) {
	srv := newServer(t)
	code, file := raw(t, "GET", srv.URL+"/v1/classes/export", nil, false)
	if code != 200 {
		t.Fatalf("export: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/v1/classes/import", "", file, true); code != 422 {
		t.Fatalf("importing nothing: %d", code)
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// The enrolment file's layout (package enrolfile): the first class's name
// length is at byte 88, after the header.
const firstName = 88

// renamed gives the file's first class another name, checksum fixed.
func renamed(file []byte, name string) []byte {
	old := int(binary.LittleEndian.Uint16(file[firstName:]))
	var b bytes.Buffer
	b.Write(file[:firstName])
	binary.Write(&b, binary.LittleEndian, uint16(len(name)))
	b.WriteString(name)
	b.Write(file[firstName+2+old : len(file)-4])
	return withCRC(b.Bytes())
}

// emptied keeps the header of file with a class count of 0.
func emptied(file []byte) []byte {
	b := bytes.Clone(file[:firstName])
	binary.LittleEndian.PutUint32(b[firstName-4:], 0)
	return withCRC(b)
}

func withCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}
