package serve

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestPipelineFramesBecomeCandidates runs the daemon on a folder of frames
// the engine is unsure of: they are kept as candidates from the folder's
// source, at most one a second, bounded, and counted by the gauge.
func TestPipelineFramesBecomeCandidates(t *testing.T) {
	squares := t.TempDir()
	for i, side := range []int{40, 60} {
		m := image.NewGray(image.Rect(0, 0, 160, 120))
		for j := range m.Pix {
			m.Pix[j] = 255
		}
		for y := 60 - side/2; y < 60+side/2; y++ {
			for x := 80 - side/2; x < 80+side/2; x++ {
				m.Pix[y*m.Stride+x] = 0
			}
		}
		f, _ := os.Create(filepath.Join(squares, string(rune('a'+i))+".png"))
		png.Encode(f, m)
		f.Close()
	}
	p := serveInProcess(t, 3, "candidates: {keep: 2, below: 1}\nsources: [{name: sq, kind: dir, path: "+squares+", loop: true, fps: 50}]\n")
	p.waitMetric("candidates", "sliced_candidates_kept", nil, func(v float64) bool { return v >= 2 })
	code, body := p.request("GET", "/v1/candidates", "", nil)
	var l struct {
		Keep       int `json:"keep"`
		Candidates []struct {
			ID, Source, Label, Thumbnail string
			Score                        float32
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(body), &l); code != 200 || err != nil {
		t.Fatalf("list: %d %v %s", code, err, body)
	}
	if l.Keep != 2 || len(l.Candidates) != 2 {
		t.Fatalf("list %+v, want the last two", l)
	}
	for _, c := range l.Candidates {
		if c.Source != "sq" || c.Score >= 1 {
			t.Fatalf("candidate %+v", c)
		}
		if code, _ := p.request("GET", c.Thumbnail, "", nil); code != 200 {
			t.Fatalf("thumbnail %s: %d", c.Thumbnail, code)
		}
	}
}
