package config

import (
	"image"
	"strings"
	"testing"
)

// Named regions take the map or the X:Y:W:H string; each inherits the
// source's smooth unless it sets its own; roi alone is one unnamed region.
func TestSourceRegions(t *testing.T) {
	c, err := Parse([]byte(`
sources:
  - name: cam
    kind: dir
    path: /x
    smooth: 3
    regions:
      - {name: door, roi: "0.1:0.2:0.3:0.4"}
      - {name: led, roi: {x: 100, y: 50, w: 64, h: 32}, smooth: 1}
  - {name: one, kind: dir, path: /y, roi: "0:0:0.5:0.5"}
  - {name: plain, kind: dir, path: /z}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	rs := c.Sources[0].RegionList()
	b := image.Rect(0, 0, 640, 480)
	if len(rs) != 2 || rs[0].Name != "door" || rs[0].Smooth != 3 || rs[1].Name != "led" || rs[1].Smooth != 1 {
		t.Fatalf("regions %+v", rs)
	}
	if got := rs[0].ROI.In(b); got != image.Rect(64, 96, 256, 288) {
		t.Errorf("door in 640x480: %v", got)
	}
	if got := rs[1].ROI.In(b); got != image.Rect(100, 50, 164, 82) {
		t.Errorf("led in 640x480: %v", got)
	}
	one := c.Sources[1].RegionList()
	if len(one) != 1 || one[0].Name != "" || one[0].ROI == nil || one[0].Smooth != 1 {
		t.Errorf("roi as one unnamed region: %+v", one)
	}
	if p := c.Sources[2].RegionList(); len(p) != 1 || p[0].ROI != nil || p[0].Smooth != 1 {
		t.Errorf("no roi: %+v", p)
	}
}

// Every bad region is refused at validation, naming its key.
func TestSourceRegionErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, key, says string }{
		{`{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0:0:0:10"}]}`, "sources[0].regions[0].roi", "want both > 0"},
		{`{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0.8:0:0.5:0.5"}]}`, "sources[0].regions[0].roi", "reaches past the frame"},
		{`{name: c, kind: device, path: /dev/video0, width: 640, height: 480, regions: [{name: a, roi: "600:0:64:64"}]}`, "sources[0].regions[0].roi", "reaches past the 640x480 frame"},
		{`{name: c, kind: device, path: /dev/video0, width: 640, height: 480, roi: "0:400:10:100"}`, "sources[0].roi", "reaches past the 640x480 frame"},
		{`{name: c, kind: device, path: /dev/video0, width: 640, height: 480, regions: [{name: a, roi: "0:0:0.0001:0.5"}]}`, "sources[0].regions[0].roi", "no pixel"},
		{`{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0:0:1:1"}, {name: a, roi: "0:0:1:1"}]}`, "sources[0].regions[1].name", "used twice"},
		{`{name: c, kind: dir, path: /x, regions: [{roi: "0:0:1:1"}]}`, "sources[0].regions[0].name", "letters"},
		{`{name: c, kind: dir, path: /x, regions: [{name: "a/b", roi: "0:0:1:1"}]}`, "sources[0].regions[0].name", "letters"},
		{`{name: c, kind: dir, path: /x, regions: [{name: a}]}`, "sources[0].regions[0].roi", "missing"},
		{`{name: c, kind: dir, path: /x, roi: "0:0:1:1", regions: [{name: a, roi: "0:0:1:1"}]}`, "sources[0].regions", "not both"},
		{`{name: c, kind: dir, path: /x, smooth: -1}`, "sources[0].smooth", "want 1"},
		{`{name: c, kind: dir, path: /x, regions: [{name: a, roi: "0:0:1:1", smooth: 5000}]}`, "sources[0].regions[0].smooth", "want 1"},
	} {
		c, err := Parse([]byte("sources:\n  - " + tc.yaml + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.yaml, err)
		}
		err = c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.key+": ") || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %s: ...%s", tc.yaml, err, tc.key, tc.says)
		}
	}
}

func TestRegionStringErrors(t *testing.T) {
	_, err := Parse([]byte(`sources: [{name: c, kind: dir, path: /x, regions: [{name: a, roi: "1:2:3"}]}]`))
	if err == nil || !strings.Contains(err.Error(), "X:Y:W:H") {
		t.Errorf("a three-value roi string: %v", err)
	}
}

func TestParseSourceSmooth(t *testing.T) {
	s, err := ParseSource("door=dir:/srv/frames,roi=0:0:0.5:0.5,smooth=4", 0)
	if err != nil || s.Smooth != 4 || s.Path != "/srv/frames" {
		t.Fatalf("%+v, %v", s, err)
	}
	if _, err := ParseSource("dir:/x,smooth=many", 0); err == nil || !strings.Contains(err.Error(), "smooth") {
		t.Errorf("a bad smooth: %v", err)
	}
}
