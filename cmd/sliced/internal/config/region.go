package config

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Region is a rectangle of a frame: its left, top, width and height, in
// pixels, or in fractions of the frame's width and height when all four
// are at most 1 (x: 0.25, y: 0, w: 0.5, h: 0.5 is the top middle quarter).
// In YAML it is a map {x, y, w, h} or a string "X:Y:W:H".
type Region struct {
	X float64 `yaml:"x"`
	Y float64 `yaml:"y"`
	W float64 `yaml:"w"`
	H float64 `yaml:"h"`
}

// NamedRegion is one of a source's regions: its own classification and
// result stream, labelled Name.
type NamedRegion struct {
	Name string  `yaml:"name"`
	ROI  *Region `yaml:"roi"`
	// Smooth overrides the source's smooth for this region; 0 keeps it.
	Smooth int `yaml:"smooth"`
}

// MaxSmooth bounds smooth: beyond it a state would lag by minutes.
const MaxSmooth = 1000

// UnmarshalYAML takes the map or the "X:Y:W:H" string.
func (r *Region) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		p, err := parseRegion(n.Value)
		if err != nil {
			return fmt.Errorf("line %d: %v", n.Line, err)
		}
		*r = *p
		return nil
	}
	type plain Region // without this method
	return n.Decode((*plain)(r))
}

// Fractions reports whether r is given in fractions of the frame.
func (r Region) Fractions() bool { return r.X <= 1 && r.Y <= 1 && r.W <= 1 && r.H <= 1 }

// In is r in a frame of bounds b. A region that reaches past the frame
// is not clipped: preprocessing refuses it, so a wrong size is seen.
func (r Region) In(b image.Rectangle) image.Rectangle {
	x, y, w, h := r.X, r.Y, r.W, r.H
	if r.Fractions() {
		fw, fh := float64(b.Dx()), float64(b.Dy())
		x0, y0 := math.Round(x*fw), math.Round(y*fh)
		return image.Rect(int(x0), int(y0), int(math.Round((x+w)*fw)), int(math.Round((y+h)*fh))).Add(b.Min)
	}
	return image.Rect(int(x), int(y), int(x+w), int(y+h)).Add(b.Min)
}

// parseRegion reads X:Y:W:H.
func parseRegion(v string) (*Region, error) {
	f := strings.Split(v, ":")
	if len(f) != 4 {
		return nil, fmt.Errorf("%q: want X:Y:W:H", v)
	}
	var n [4]float64
	for i, p := range f {
		var err error
		if n[i], err = strconv.ParseFloat(p, 64); err != nil {
			return nil, fmt.Errorf("%q: want X:Y:W:H: %v", v, err)
		}
	}
	return &Region{X: n[0], Y: n[1], W: n[2], H: n[3]}, nil
}

// check says what is wrong with r, or "". frame is the source's
// configured capture size, empty when unknown.
func (r Region) check(frame image.Rectangle) string {
	switch {
	case r.W <= 0 || r.H <= 0:
		return fmt.Sprintf("w %v and h %v, want both > 0", r.W, r.H)
	case r.X < 0 || r.Y < 0:
		return fmt.Sprintf("x %v and y %v, want both >= 0", r.X, r.Y)
	case r.Fractions():
		if r.X+r.W > 1+1e-9 || r.Y+r.H > 1+1e-9 {
			return fmt.Sprintf("%v,%v+%vx%v in fractions reaches past the frame", r.X, r.Y, r.W, r.H)
		}
	case r.X != math.Trunc(r.X) || r.Y != math.Trunc(r.Y) || r.W != math.Trunc(r.W) || r.H != math.Trunc(r.H):
		return "pixels must be whole numbers (or give all four as fractions of at most 1)"
	case r.X+r.W > 1<<20 || r.Y+r.H > 1<<20:
		return "larger than any frame"
	}
	if frame.Empty() {
		return ""
	}
	switch in := r.In(frame); {
	case in.Empty():
		return fmt.Sprintf("%v,%v+%vx%v is no pixel of the %dx%d frame", r.X, r.Y, r.W, r.H, frame.Dx(), frame.Dy())
	case !in.In(frame):
		return fmt.Sprintf("%v reaches past the %dx%d frame (width and height)", in, frame.Dx(), frame.Dy())
	}
	return ""
}

// RegionList is what the source's frames are classified as: its named
// regions, or one unnamed region (its roi, nil for the engine's own rule),
// each with its smoothing (at least 1).
func (s Source) RegionList() []NamedRegion {
	smooth := func(n int) int {
		if n > 0 {
			return n
		}
		return max(s.Smooth, 1)
	}
	if len(s.Regions) == 0 {
		return []NamedRegion{{ROI: s.ROI, Smooth: smooth(0)}}
	}
	out := make([]NamedRegion, len(s.Regions))
	for i, r := range s.Regions {
		out[i] = NamedRegion{Name: r.Name, ROI: r.ROI, Smooth: smooth(r.Smooth)}
	}
	return out
}

// validateRegions checks roi, regions and smooth of the source at key.
func (s Source) validateRegions(key string, bad func(key, format string, a ...any)) {
	var frame image.Rectangle
	if s.Width > 0 && s.Height > 0 {
		frame = image.Rect(0, 0, s.Width, s.Height)
	}
	if s.Smooth < 0 || s.Smooth > MaxSmooth {
		bad(key+".smooth", "%d, want 1 (off) to %d", s.Smooth, MaxSmooth)
	}
	if s.ROI != nil {
		if msg := s.ROI.check(frame); msg != "" {
			bad(key+".roi", "%s", msg)
		}
		if len(s.Regions) > 0 {
			bad(key+".regions", "give roi (one unnamed region) or regions, not both")
		}
	}
	seen := map[string]bool{}
	for i, r := range s.Regions {
		rk := fmt.Sprintf("%s.regions[%d]", key, i)
		switch {
		case !sourceName.MatchString(r.Name):
			bad(rk+".name", "%q: use 1-64 letters, digits, '_', '.' or '-'", r.Name)
		case seen[r.Name]:
			bad(rk+".name", "%q used twice", r.Name)
		}
		seen[r.Name] = true
		if r.ROI == nil {
			bad(rk+".roi", "missing: each region needs its rectangle")
		} else if msg := r.ROI.check(frame); msg != "" {
			bad(rk+".roi", "%s", msg)
		}
		if r.Smooth < 0 || r.Smooth > MaxSmooth {
			bad(rk+".smooth", "%d, want 1 (off) to %d, or 0 for the source's", r.Smooth, MaxSmooth)
		}
	}
}
