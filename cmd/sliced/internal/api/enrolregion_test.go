package api

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"mime/multipart"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
)

// features is what enrolling region r of m adds to e: the feature vector
// of the region's input.
func features(t *testing.T, e *engine.Engine, r image.Rectangle, m image.Image) []float32 {
	t.Helper()
	in, _, err := prep.Engine(e, func(image.Rectangle) image.Rectangle { return r }, m)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	f, err := sess.Features(in)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Clone(f)
}

// examplesOf are the feature vectors enrolled as class name.
func examplesOf(t *testing.T, st *store.Store, name string) [][]float32 {
	t.Helper()
	f, err := st.Export()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Classes {
		if c.Name == name {
			return c.Examples
		}
	}
	return nil
}

func near(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-4 || d < -1e-4 {
			return false
		}
	}
	return true
}

// Enrolment of what a source's region sees: ?source=S&region=R with an
// empty body enrols the region of S's latest frame, with an image body
// the region of the posted full frame; the examples are the region's
// crop, not the frame. Every mistake is a 4xx with a JSON message and
// leaves the engine as it was.
func TestEnrolSourceRegion(t *testing.T) {
	st, err := store.Open(store.Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.Scene(3), nil }})
	if err != nil {
		t.Fatal(err)
	}
	door, led := image.Rect(20, 20, 100, 100), image.Rect(200, 60, 280, 120)
	srcs := []config.Source{
		{Name: "cam", Kind: "video", Regions: []config.NamedRegion{
			{Name: "door", ROI: &config.Region{X: 20, Y: 20, W: 80, H: 80}},
			{Name: "led", ROI: &config.Region{X: 0.625, Y: 0.25, W: 0.25, H: 0.25}},
		}},
		{Name: "belt", Kind: "video", ROI: &config.Region{X: 200, Y: 60, W: 80, H: 60}},
	}
	var mu sync.Mutex
	latest := map[string]image.Image{}
	sl := backend.NewSliced(st.Engine)
	route := &pipeline.Route{Primary: sl}
	srv, _ := newServerOn(t, t.TempDir(), 1, func(d *Deps) {
		d.Store, d.Route, d.Prep = st, func() *pipeline.Route { return route }, prep.For(st.Engine, nil)
		d.Backends = func() map[string]backend.Backend { return map[string]backend.Backend{"sliced": sl} }
		d.Sources = func() []config.Source { return srcs }
		d.LatestFrame = func(s string) (image.Image, bool) {
			mu.Lock()
			defer mu.Unlock()
			m, ok := latest[s]
			return m, ok
		}
	})
	url := func(name, q string) string { return srv.URL + "/v1/classes/" + name + "/examples" + q }
	yellow := color.RGBA{230, 200, 30, 255}
	rng := rand.New(rand.NewPCG(7, 7))
	frame := func(fills map[image.Rectangle]color.RGBA) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, 320, 240))
		for y := 0; y < 240; y++ {
			for x := 0; x < 320; x++ {
				c := color.RGBA{100, 100, 100, 255}
				for r, f := range fills {
					if image.Pt(x, y).In(r) {
						c = f
					}
				}
				n := uint8(rng.IntN(9))
				m.SetRGBA(x, y, color.RGBA{c.R - n, c.G - n, c.B - n, 255})
			}
		}
		return m
	}

	version := st.Version()
	unchanged := func(what string) {
		t.Helper()
		if st.Version() != version {
			t.Fatalf("%s changed the engine: version %d, was %d", what, st.Version(), version)
		}
	}
	for _, c := range []struct {
		q, ctype string
		body     []byte
		code     int
		msg      string
	}{
		{"?source=cam&region=door", "", nil, 409, `source "cam" has no frame yet`},
		{"?source=attic&region=door", "", nil, 404, `source "attic" is not configured (sources: "cam", "belt")`},
		{"?source=cam&region=window", "", nil, 404, `source "cam" has no region "window" (its regions: "door", "led")`},
		{"?source=cam", "", nil, 400, `source "cam" has regions "door", "led": name one with ?region=NAME`},
		{"?source=belt&region=door", "", nil, 404, `source "belt" has no named regions`},
		{"?region=door", "", nil, 400, "?region= needs ?source=NAME"},
		{"?source=cam&region=door", "image/png", []byte("not an image"), 415, "image"},
	} {
		code, v := do(t, "POST", url("yellow", c.q), c.ctype, c.body, true)
		if code != c.code || !strings.Contains(fmt.Sprint(v["error"]), c.msg) {
			t.Errorf("%s: %d %v, want %d %q", c.q, code, v, c.code, c.msg)
		}
		unchanged(c.q)
	}
	if code, _ := do(t, "POST", url("yellow", "?source=cam&region=door"), "", nil, false); code != 401 {
		t.Fatalf("no token: %d, want 401", code)
	}

	// The latest frame, cut to the door: its crop's features are enrolled.
	now := frame(map[image.Rectangle]color.RGBA{door: yellow})
	mu.Lock()
	latest["cam"] = now
	mu.Unlock()
	code, v := do(t, "POST", url("yellow", "?source=cam&region=door"), "", nil, true)
	if code != 201 || v["added"] != 1.0 || v["source"] != "cam" || v["region"] != "door" {
		t.Fatalf("enrol the door's latest frame: %d %v", code, v)
	}
	ex := examplesOf(t, st, "yellow")
	if len(ex) != 1 || !near(ex[0], features(t, st.Engine(), door, now)) {
		t.Fatalf("enrolled %d examples; not the door's crop of the latest frame", len(ex))
	}
	// A posted full frame, cut to the led (a region in fractions).
	posted := frame(map[image.Rectangle]color.RGBA{led: yellow})
	code, v = do(t, "POST", url("yellow", "?source=cam&region=led"), "image/png", pngOf(t, posted), true)
	if code != 201 || v["examples"] != 2.0 {
		t.Fatalf("enrol a posted frame's led: %d %v", code, v)
	}
	if ex = examplesOf(t, st, "yellow"); len(ex) != 2 || !near(ex[1], features(t, st.Engine(), led, posted)) {
		t.Fatal("the posted frame was not cut to the led")
	}
	// Several frames in one multipart request; the source's single roi.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := range 2 {
		fw, _ := mw.CreateFormFile("image", fmt.Sprintf("%d.png", i))
		fw.Write(pngOf(t, frame(map[image.Rectangle]color.RGBA{led: yellow})))
	}
	mw.Close()
	code, v = do(t, "POST", url("yellow", "?source=belt"), mw.FormDataContentType(), body.Bytes(), true)
	if code != 201 || v["added"] != 2.0 || v["examples"] != 4.0 {
		t.Fatalf("multipart frames of the belt's roi: %d %v", code, v)
	}
	// A frame smaller than a pixel region: 422, nothing enrolled.
	version = st.Version()
	mu.Lock()
	latest["cam"] = image.NewRGBA(image.Rect(0, 0, 64, 48))
	mu.Unlock()
	code, v = do(t, "POST", url("yellow", "?source=cam&region=door"), "", nil, true)
	if code != 422 || !strings.Contains(fmt.Sprint(v["error"]), "not inside the frame") {
		t.Fatalf("a region outside the latest frame: %d %v", code, v)
	}
	unchanged("a region outside the frame")
	// The door's state now answers yellow.
	code, v = do(t, "POST", srv.URL+"/v1/classify", "image/png", pngOf(t, frame(map[image.Rectangle]color.RGBA{image.Rect(0, 0, 320, 240): yellow})), false)
	if code != 200 || v["label"] != "yellow" {
		t.Fatalf("classify a yellow frame: %d %v", code, v)
	}
}

// A candidate of a source's region holds the region's input: enrolling
// it enrols the region's crop, not the whole frame. An input of another
// shape than the engine's (an engine swapped since) is a 409.
func TestEnrolRegionCandidate(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(store.Sources{StateDir: dir, Default: func() (*engine.Engine, error) { return fixture.Scene(3), nil }})
	if err != nil {
		t.Fatal(err)
	}
	// A digit engine's candidate, kept before the scene engine was served.
	old, err := candidates.Open(dir, candidates.Options{Keep: 5, Below: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	digit, err := old.Offer(candidates.Frame{Time: time.Unix(1, 0), Source: "http", Answer: candidates.Answer{Class: "unknown"},
		Input: make([]float32, candidates.DigitShape.Len())})
	if err != nil || digit == "" {
		t.Fatalf("digit candidate: %q %v", digit, err)
	}
	k, err := candidates.Open(dir, candidates.Options{Keep: 5, Below: 0.5, Engine: st.Engine})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServerOn(t, t.TempDir(), 1, func(d *Deps) { d.Store, d.Candidates = st, k })
	frame := fixture.SceneFrame(1, 320, 240, image.Rect(20, 20, 100, 100), rand.New(rand.NewPCG(3, 3)))
	door := image.Rect(20, 20, 100, 100)
	in, _, err := prep.Engine(st.Engine(), func(image.Rectangle) image.Rectangle { return door }, frame)
	if err != nil {
		t.Fatal(err)
	}
	k.Watch(pipeline.Result{Source: "cam", Region: "door", Input: in, Answer: pipeline.Answer{Result: backend.Result{Class: "unknown"}}})
	var id string
	for _, c := range k.List() {
		if c.Source == "cam/door" {
			id = c.ID
		}
	}
	if id == "" {
		t.Fatalf("the door's result was not kept: %+v", k.List())
	}
	code, v := do(t, "POST", srv.URL+"/v1/candidates/"+id+"/enrol?class=door-green", "", nil, true)
	if code != 201 {
		t.Fatalf("enrol the door's candidate: %d %v", code, v)
	}
	if ex := examplesOf(t, st, "door-green"); len(ex) != 1 || !near(ex[0], features(t, st.Engine(), door, frame)) {
		t.Fatal("the candidate did not enrol the door's crop")
	}
	version := st.Version()
	code, v = do(t, "POST", srv.URL+"/v1/candidates/"+digit+"/enrol?class=seven", "", nil, true)
	if code != 409 || !strings.Contains(fmt.Sprint(v["error"]), "the served engine takes 3x32x32") || st.Version() != version {
		t.Fatalf("a 1x28x28 candidate on a 3x32x32 engine: %d %v", code, v)
	}
	if _, ok := k.Get(digit); !ok {
		t.Fatal("the refused candidate was removed")
	}
}
