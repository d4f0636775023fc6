package prep_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func TestFrameBlank(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = 200
	}
	if _, _, err := prep.Frame(m); !errors.Is(err, prep.ErrNoInk) {
		t.Fatalf("blank frame: err = %v, want ErrNoInk", err)
	}
}

// Camera-like frames of the fixture digits through Frame and the fixture
// engine: the accuracy says whether preprocessing recovers MNIST-style input.
func TestFrameCameraLike(t *testing.T) {
	e := fixture.Engine(models.B, 1)
	b := backend.NewSliced(func() *engine.Engine { return e })
	rng := rand.New(rand.NewPCG(7, 7))
	n, ok := 100, 0
	for i := 0; i < n; i++ {
		d := i % 10
		ts, _, err := prep.Frame(fixture.Frame(d, 640, 480, rng))
		if err != nil {
			t.Fatal(err)
		}
		r, err := b.Classify(ts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Label == d {
			ok++
		}
	}
	t.Logf("accuracy %d/%d", ok, n)
	if ok < 90 {
		t.Fatalf("accuracy %d/%d on camera-like frames, want >= 90", ok, n)
	}
}

func TestDecodeRefusesBomb(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 300, 300)))
	if _, _, err := prep.Decode(buf.Bytes(), 300*300); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	if _, _, err := prep.Decode(buf.Bytes(), 300*300-1); !prep.IsTooLarge(err) {
		t.Fatalf("over the limit: err = %v, want too large", err)
	}
}

// A 32x32 RGB engine in roi mode classifies the region of camera frames
// that Engine cuts out; a region outside the frame and a digit engine of
// another shape are errors.
func TestEngineSceneROI(t *testing.T) {
	e := fixture.Scene(3)
	b := backend.NewSliced(func() *engine.Engine { return e })
	if got := backend.InputOf(b); got != fixture.SceneInput {
		t.Fatalf("backend input %+v", got)
	}
	roi := image.Rect(400, 100, 560, 260)
	f := prep.For(func() *engine.Engine { return e }, func(image.Rectangle) image.Rectangle { return roi })
	rng := rand.New(rand.NewPCG(9, 9))
	n, ok := 40, 0
	for i := 0; i < n; i++ {
		c := i % len(fixture.SceneColors)
		ts, box, err := f(fixture.SceneFrame(c, 640, 480, roi, rng))
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 3*32*32 || box != roi {
			t.Fatalf("tensor of %d values from %v", len(ts), box)
		}
		r, err := b.Classify(ts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Class == fixture.SceneColors[c].Name {
			ok++
		}
	}
	t.Logf("accuracy %d/%d", ok, n)
	if ok < n*9/10 {
		t.Fatalf("accuracy %d/%d on region frames, want >= 90 %%", ok, n)
	}
	out := func(image.Rectangle) image.Rectangle { return image.Rect(600, 400, 700, 500) }
	if _, _, err := prep.Engine(e, out, image.NewRGBA(image.Rect(0, 0, 640, 480))); err == nil {
		t.Error("a region past the frame gave a tensor")
	}
	d := fixture.Engine(models.B, 1)
	d.Stack = models.ConvStackFor(models.B, fixture.SceneInput)
	if _, _, err := prep.Engine(d, nil, image.NewRGBA(image.Rect(0, 0, 64, 64))); err == nil {
		t.Error("digit mode on a 3x32x32 engine gave a tensor")
	}
}

// Whole mode resizes the frame; a digit engine goes on taking the digit
// rule through For.
func TestEngineWholeAndDigit(t *testing.T) {
	e := fixture.Scene(3)
	e.Prep.Mode = engine.PrepWhole
	ts, box, err := prep.Engine(e, nil, image.NewRGBA(image.Rect(0, 0, 64, 48)))
	if err != nil || len(ts) != 3*32*32 || box != image.Rect(0, 0, 64, 48) {
		t.Fatalf("whole: %d values, %v, %v", len(ts), box, err)
	}
	d := fixture.Engine(models.B, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	m := fixture.Frame(3, 640, 480, rng)
	want, wbox, err := prep.Frame(m)
	if err != nil {
		t.Fatal(err)
	}
	got, gbox, err := prep.For(func() *engine.Engine { return d }, nil)(m)
	if err != nil || gbox != wbox || !slices.Equal(got, want) {
		t.Fatalf("digit engine through For differs from Frame: %v", err)
	}
}

// A region that is not inside the frame is ErrOutside, empty or past it.
func TestEngineRegionOutside(t *testing.T) {
	e := fixture.Scene(1)
	m := image.NewRGBA(image.Rect(0, 0, 100, 80))
	for _, r := range []image.Rectangle{image.Rect(90, 0, 120, 30), {}, image.Rect(10, 10, 10, 40)} {
		region := func(image.Rectangle) image.Rectangle { return r }
		if _, _, err := prep.Engine(e, region, m); !errors.Is(err, prep.ErrOutside) {
			t.Errorf("region %v: err = %v, want ErrOutside", r, err)
		}
	}
}
