package liveview

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

// domStub is just enough of a browser for the page's script: fetch answers
// from the given JSON, elements record their text, and at the end the
// candidate captions and table rows are printed as JSON.
const domStub = `
const answers = JSON.parse(process.argv[2]);
const els = {};
function el(tag){ const e={tag, textContent:'', className:'', children:[], cells:[],
  append(...c){this.children.push(...c)}, insertRow(){const r=el('tr');this.children.push(r);return r},
  insertCell(){const c=el('td');this.cells.push(c);return c}}; return e }
globalThis.document = { getElementById(id){ return els[id] ??= el('div') }, createElement: el };
globalThis.fetch = async (url) => ({ json: async () => answers[url] });
globalThis.setTimeout = () => {};
process.on('beforeExit', () => {
  const caps = (els.cands?.children ?? []).map(f => f.children.find(c => c.tag === 'figcaption'));
  const imgs = (els.cands?.children ?? []).map(f => f.children.find(c => c.tag === 'img').src);
  console.log(JSON.stringify({ count: els.ncands?.textContent, captions: caps.map(c => c.textContent),
    classes: caps.map(c => c.className), thumbnails: imgs,
    rows: (els.rows?.children ?? []).map(r => r.cells.map(c => c.textContent)) }));
});
`

// TestPageScriptShowsUnknownsAndCandidates runs the page's script in Node
// (skipped without it) against a recent result and a candidate list.
func TestPageScriptShowsUnknownsAndCandidates(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the page's script is not run")
	}
	h := New()
	r := pipeline.Result{Source: "cam", Frame: source.Frame{Seq: 4, Time: time.Unix(10, 0)},
		Answer: pipeline.Answer{Result: backend.Result{Class: "unknown", Score: 0.12}, Nearest: "7", Backend: backend.Info{Name: "sliced"}}}
	h.Publish(r)
	h.Publish(pipeline.Result{Source: "cam", Frame: source.Frame{Seq: 5, Time: time.Unix(11, 0)}, Total: 1500 * time.Microsecond,
		Answer: pipeline.Answer{Result: backend.Result{Label: 3, Class: "3", Known: true, Score: 0.9}, Nearest: "3", Backend: backend.Info{Name: "sliced"}}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	page, _ := srv.Client().Get(srv.URL + "/")
	var sb strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := page.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	page.Body.Close()
	m := regexp.MustCompile(`(?s)<script>(.*)</script>`).FindStringSubmatch(sb.String())
	if m == nil {
		t.Fatal("no script in the page")
	}
	recent, _ := json.Marshal(h.Recent())
	answers, _ := json.Marshal(map[string]any{
		"/v1/recent": json.RawMessage(recent),
		"/v1/candidates": map[string]any{"keep": 50, "candidates": []map[string]any{
			{"id": "00000000000000aa", "time": "2024-01-01T00:00:00Z", "source": "cam", "label": "unknown", "known": false, "score": 0.12, "nearest": "7", "thumbnail": "/v1/candidates/00000000000000aa/thumbnail.png"},
			{"id": "00000000000000bb", "time": "2024-01-01T00:00:00Z", "source": "http", "label": "3", "known": true, "score": 0.4, "thumbnail": "/v1/candidates/00000000000000bb/thumbnail.png"},
		}},
	})
	js := filepath.Join(t.TempDir(), "page.js")
	os.WriteFile(js, []byte(domStub+m[1]), 0o644)
	out, err := exec.Command(node, js, string(answers)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Count                         string
		Captions, Classes, Thumbnails []string
		Rows                          [][]string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if got.Count != "2 of 50" || len(got.Captions) != 2 || got.Captions[0] != "unknown (nearest 7) 0.12" || got.Captions[1] != "3 0.40" ||
		got.Classes[0] != "unk" || got.Thumbnails[1] != "/v1/candidates/00000000000000bb/thumbnail.png" {
		t.Fatalf("candidate strip %+v", got)
	}
	if len(got.Rows) != 2 || got.Rows[1][3] != "unknown (nearest 7)" || got.Rows[0][3] != "3" || got.Rows[0][5] != "sliced" || got.Rows[0][6] != "1.50 ms" {
		t.Fatalf("recent rows %v", got.Rows)
	}
}
