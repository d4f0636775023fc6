package config

import (
	"image"
	"strings"
	"testing"
)

// A source's roi is given in pixels or in fractions of the frame; a bad
// one is refused naming its key.
func TestSourceROI(t *testing.T) {
	c, err := Parse([]byte(`
sources:
  - {name: door, kind: dir, path: /x, roi: {x: 100, y: 50, w: 64, h: 32}}
  - {name: led, kind: dir, path: /y, roi: {x: 0.5, y: 0, w: 0.5, h: 0.25}}
  - {name: zero, kind: dir, path: /z, roi: {x: 0, y: 0, w: 0, h: 10}}
  - {name: past, kind: dir, path: /p, roi: {x: 0.75, y: 0, w: 0.5, h: 0.5}}
  - {name: half, kind: dir, path: /q, roi: {x: 10.5, y: 0, w: 20, h: 20}}
`))
	if err != nil {
		t.Fatal(err)
	}
	b := image.Rect(0, 0, 640, 480)
	if got := c.Sources[0].ROI.In(b); got != image.Rect(100, 50, 164, 82) {
		t.Errorf("pixels: %v", got)
	}
	if got := c.Sources[1].ROI.In(b); got != image.Rect(320, 0, 640, 120) {
		t.Errorf("fractions: %v", got)
	}
	err = c.Validate()
	for _, key := range []string{"sources[2].roi", "sources[3].roi", "sources[4].roi"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("err = %v, want it to name %s", err, key)
		}
	}
	for _, key := range []string{"sources[0].roi", "sources[1].roi"} {
		if err != nil && strings.Contains(err.Error(), key) {
			t.Errorf("a good roi refused: %v", err)
		}
	}
}

func TestParseSourceROI(t *testing.T) {
	s, err := ParseSource("door=dir:/srv/frames,fps=5,roi=0.25:0:0.5:0.5", 0)
	if err != nil || s.Path != "/srv/frames" || s.ROI == nil || *s.ROI != (Region{X: 0.25, W: 0.5, H: 0.5}) {
		t.Fatalf("%+v, %v", s, err)
	}
	if _, err := ParseSource("dir:/x,roi=1:2:3", 0); err == nil || !strings.Contains(err.Error(), "roi") {
		t.Errorf("a three-value roi: %v", err)
	}
}
