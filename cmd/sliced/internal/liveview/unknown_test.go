package liveview

import (
	"image"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// classified runs m through the embedded engine as a pipeline would.
func classified(t *testing.T, m image.Image) pipeline.Result {
	t.Helper()
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	route := &pipeline.Route{Primary: backend.NewSliced(func() *engine.Engine { return e })}
	in, box, err := prep.Frame(m)
	if err != nil {
		t.Fatal(err)
	}
	a, err := route.Classify(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Result{Source: "cam", Frame: source.Frame{Image: m, Seq: 1}, Answer: a, Box: box, Input: in}
}

func TestUnknownAnswerIsLabelledUnknown(t *testing.T) {
	sq := image.NewGray(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			if !(x > 20 && x < 80 && y > 20 && y < 80) {
				sq.Pix[y*100+x] = 255
			}
		}
	}
	r := classified(t, sq)
	if r.Answer.Known || r.Answer.Nearest == "" {
		t.Fatalf("a square answered %+v, want unknown with its nearest class", r.Answer)
	}
	text, ink := Banner(r)
	if !strings.Contains(text, "unknown (nearest "+r.Answer.Nearest+")") || ink != inkUnknown {
		t.Fatalf("banner %q in %v for an unknown answer", text, ink)
	}
	if _, err := Annotate(r); err != nil {
		t.Fatal(err)
	}
	h := New()
	h.Publish(r)
	if row := h.Recent()[0]; row.Label != "unknown" || row.Index != -1 || row.Known || row.Nearest != r.Answer.Nearest {
		t.Fatalf("row %+v", row)
	}

	data, err := os.ReadFile("../../../../models/demo/00-mnist-6.png")
	if err != nil {
		t.Fatal(err)
	}
	six, _, err := prep.Decode(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r = classified(t, six)
	if text, ink := Banner(r); !strings.Contains(text, " 6 ") || strings.Contains(text, "unknown") || ink != inkKnown {
		t.Fatalf("banner %q in %v for a clear 6", text, ink)
	}
	h.Publish(r)
	if row := h.Recent()[0]; row.Label != "6" || row.Index != 6 || !row.Known || row.Nearest != "" {
		t.Fatalf("row %+v", row)
	}
}

func TestPageShowsCandidates(t *testing.T) {
	srv := httptest.NewServer(New())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`fetch('/v1/candidates')`, `id="cands"`, "c.thumbnail", "'unknown'"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
