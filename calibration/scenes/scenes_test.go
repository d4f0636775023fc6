package scenes

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/calibration/enrolment"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	"github.com/sliced-ai/sliced/engine/preprocess"
	"github.com/sliced-ai/sliced/models"
)

// photos loads the named photographs, or ends the test with needs.Missing.
func photos(t testing.TB, names []string) []*image.RGBA {
	t.Helper()
	dir, err := Dir()
	if errors.Is(err, ErrNoPhotos) {
		needs.Missing(t, "photos", err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(dir, names)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The region-state targets, on the embedded scene engine and the
// held-out scene: 5 enrolled frames per state answer >= 97 % of 200 other
// frames right, 20 frames >= 99 %; a state never enrolled is unknown.
func TestSceneEngineRegionStates(t *testing.T) {
	e, err := models.Scene()
	if err != nil {
		t.Fatal(err)
	}
	s, err := HeldScene(photos(t, HeldPhotos))
	if err != nil {
		t.Fatal(err)
	}
	test, err := Frames(e, s, 200, rand.New(rand.NewPCG(23, 2)))
	if err != nil {
		t.Fatal(err)
	}
	// Before anything is enrolled every answer is unknown.
	if right, unknown, err := enrolment.Score(e, test[:20]); err != nil || right != 0 || unknown != 1 {
		t.Fatalf("the engine as shipped: right %v unknown %v (%v), want 0 and 1", right, unknown, err)
	}
	last := s.Names[len(s.Names)-1]
	for _, c := range []struct {
		perState int
		want     float64
	}{{5, 0.97}, {20, 0.99}} {
		r, err := Measure(e, s, test, c.perState, rand.New(rand.NewPCG(23, 1)))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d frames per state enrolled: %.1f %% of %d other frames right, %.1f %% unknown", c.perState, 100*r.Right, len(test), 100*r.Unknown)
		if r.Right < c.want {
			t.Errorf("%d frames per state: %.1f %% right, want >= %.0f %%", c.perState, 100*r.Right, 100*c.want)
		}
		t.Logf("%s never enrolled: %.1f %% of its frames unknown", last, 100*r.Unseen)
		if r.Unseen < 0.95 {
			t.Errorf("%d frames per state: a state never enrolled is unknown on %.1f %% of its frames, want >= 95 %%", c.perState, 100*r.Unseen)
		}
	}
}

// A camera's changes stay within the bounds.
func TestJitterBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		l := Jitter(rng, 160, 120)
		if l.Gain < 0.7 || l.Gain > 1.3 || l.Quality < 60 || l.Quality > 95 || abs(l.Shift.X) > 8 || abs(l.Shift.Y) > 6 {
			t.Fatalf("look %+v out of bounds", l)
		}
	}
}

func abs(v int) int { return max(v, -v) }

// Patches stay inside their photographs with room for a shifted view,
// and the same seed draws the same patches.
func TestPatchesInside(t *testing.T) {
	ph := []*image.RGBA{gradient(300, 200), gradient(120, 400)}
	a, b := Patches(ph, 200, 3), Patches(ph, 200, 3)
	for i, p := range a {
		r := ph[p.Photo].Rect
		m := image.Pt(p.Rect.Dx()/20, p.Rect.Dy()/20)
		if !(image.Rectangle{Min: p.Rect.Min.Sub(m), Max: p.Rect.Max.Add(m)}).In(r) {
			t.Fatalf("patch %v of a %v photograph leaves no margin", p.Rect, r)
		}
		if b[i] != p {
			t.Fatal("the same seed drew other patches")
		}
	}
}

// Instances hold perClass views of every patch, labelled by patch, as
// preprocessed inputs of the asked shape.
func TestInstances(t *testing.T) {
	ph := []*image.RGBA{gradient(300, 200)}
	ps := Patches(ph, 4, 1)
	sc := preprocess.Scene{C: 3, H: 16, W: 16}
	set, err := Instances(ph, ps, 3, sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 12 || len(set.Classes) != 4 || set.Shape.Len() != 3*16*16 {
		t.Fatalf("%d views of %d classes, shape %v", set.Len(), len(set.Classes), set.Shape)
	}
	for i := range set.Len() {
		for _, v := range set.Image(i) {
			if v < 0 || v > 1 {
				t.Fatalf("view %d has value %v outside [0, 1]", i, v)
			}
		}
	}
}

// gradient is a w x h photograph stand-in: colour ramps.
func gradient(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	return m
}

// BenchmarkRegion is one region of a 640x480 camera frame through the scene
// engine: crop and resize to 32x32 RGB, conv stack, projection, k-NN over
// five enrolled states. regions/s is the per-region rate (run
// with -cpu 1 for one core).
func BenchmarkRegion(b *testing.B) {
	e, err := models.Scene()
	if err != nil {
		b.Fatal(err)
	}
	s, err := HeldScene(photos(b, HeldPhotos))
	if err != nil {
		b.Fatal(err)
	}
	enrol, err := Frames(e, s, 5*len(s.States), rand.New(rand.NewPCG(23, 1)))
	if err != nil {
		b.Fatal(err)
	}
	if e, err = enrolment.Enrol(e, enrol); err != nil {
		b.Fatal(err)
	}
	frame, err := s.Frame(0, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	sess, err := e.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	pre := preprocess.New()
	sc := e.Prep.Scene(e.Stack.In)
	in := make([]float32, e.Stack.In.Len())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := pre.SceneImage(in, frame, s.ROI, sc); err != nil {
			b.Fatal(err)
		}
		p, err := sess.Classify(in)
		if err != nil {
			b.Fatal(err)
		}
		if p.Class != s.Names[0] {
			b.Fatalf("answered %q, want %q", p.Class, s.Names[0])
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "regions/s")
}
