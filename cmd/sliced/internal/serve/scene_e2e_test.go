package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/scenes"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

// jpegOf encodes m as a camera would send it.
func jpegOf(t *testing.T, m image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// crop is region r of m as an image of its own.
func crop(m image.Image, r image.Rectangle) image.Image {
	return m.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
}

// The embedded scene engine in the real daemon: it ships with no classes
// and answers unknown; five states of a region of real photographs are
// enrolled over the API from five crops each; then a folder of 50 other
// camera frames (JPEG, lighting, shift, noise) with the region in its
// YAML is answered state by state.
func TestSceneEngineThroughTheDaemon(t *testing.T) {
	dir, err := scenes.Dir()
	if errors.Is(err, scenes.ErrNoPhotos) {
		needs.Missing(t, "photos", err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	held, err := scenes.Load(dir, scenes.HeldPhotos)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenes.HeldScene(held)
	if err != nil {
		t.Fatal(err)
	}
	bin := binary(t, "")
	work := t.TempDir()
	state, token := filepath.Join(work, "state"), filepath.Join(work, "token")
	os.WriteFile(token, []byte("scene-token\n"), 0o600)
	rng := rand.New(rand.NewPCG(21, 1))

	p := start(t, bin, nil, "--engine", "scene", "--state-dir", state, "--token-file", token)
	first, err := sc.Frame(0, rng)
	if err != nil {
		t.Fatal(err)
	}
	code, body := p.requestType("POST", "/v1/classify", "", "image/jpeg", jpegOf(t, crop(first, sc.ROI)))
	var answer struct {
		Label string `json:"label"`
		Index int    `json:"index"`
		Known bool   `json:"known"`
	}
	if err := json.Unmarshal([]byte(body), &answer); code != 200 || err != nil || answer.Label != "unknown" || answer.Index != -1 || answer.Known {
		t.Fatalf("before enrolment: %d %s, want an unknown answer", code, body)
	}
	if code, body := p.request("GET", "/v1/classes", "", nil); code != 200 || !strings.Contains(strings.Join(strings.Fields(body), ""), `"classes":[]`) {
		t.Fatalf("classes before enrolment: %d %s, want an empty list", code, body)
	}
	for i, name := range sc.Names {
		var examples [][]byte
		for range 5 {
			m, err := sc.Frame(i, rng)
			if err != nil {
				t.Fatal(err)
			}
			examples = append(examples, jpegOf(t, crop(m, sc.ROI)))
		}
		b, ctype := multipartBody(t, examples)
		if code, resp := p.requestType("POST", "/v1/classes/"+name+"/examples", "scene-token", ctype, b); code != 201 {
			t.Fatalf("enrol %s: %d %s", name, code, resp)
		}
	}
	p.stop()

	frames := filepath.Join(work, "frames")
	os.Mkdir(frames, 0o755)
	const n = 50
	for j := range n {
		i := j % len(sc.States)
		m, err := sc.Frame(i, rng)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(frames, fmt.Sprintf("%03d-%s.jpg", j, sc.Names[i])), jpegOf(t, m), 0o644)
	}
	r := sc.ROI
	p = start(t, bin, nil, "--engine", "scene", "--state-dir", state, "--token-file", token,
		"--source", fmt.Sprintf("cam=dir:%s,roi=%d:%d:%d:%d", frames, r.Min.X, r.Min.Y, r.Dx(), r.Dy()))
	p.waitMetric("frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam"}, func(v float64) bool { return v >= n })
	var rows []liveview.Row
	for deadline := time.Now().Add(10 * time.Second); len(rows) < n && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, body := p.request("GET", "/v1/recent", "", nil)
		if err := json.Unmarshal([]byte(body), &rows); err != nil {
			t.Fatal(err)
		}
	}
	right := 0
	for _, row := range rows {
		want := strings.TrimSuffix(filepath.Base(row.File), ".jpg")[4:]
		if row.Label == want {
			right++
		} else {
			t.Logf("%s: %s (known %v, score %.2f)", row.File, row.Label, row.Known, row.Score)
		}
	}
	t.Logf("%d of %d frames answered with their state", right, len(rows))
	if len(rows) != n || right < n*96/100 {
		t.Errorf("%d of %d frames (of %d) answered with their state, want >= 96 %%", right, len(rows), n)
	}
	p.stop()
}
