package prep_test

import (
	"errors"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func TestSimpleBlankFrame(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = 200
	}
	if _, err := prep.Simple(m); !errors.Is(err, prep.ErrNoInk) {
		t.Fatalf("blank frame: err = %v, want ErrNoInk", err)
	}
}

func TestSimpleCentresInk(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 100, 80))
	for i := range m.Pix {
		m.Pix[i] = 220
	}
	for y := 10; y < 30; y++ { // a dark square, upper left
		for x := 5; x < 25; x++ {
			m.Pix[y*m.Stride+x] = 10
		}
	}
	ts, err := prep.Simple(m)
	if err != nil {
		t.Fatal(err)
	}
	// The square becomes a 20x20 white block centred in the plane.
	if ts[14*28+14] < 0.9 || ts[0] != 0 || ts[27*28+27] != 0 {
		t.Fatalf("centre %v, corners %v %v", ts[14*28+14], ts[0], ts[27*28+27])
	}
	var lit int
	for _, v := range ts {
		if v > 0.5 {
			lit++
		}
	}
	if lit < 350 || lit > 450 {
		t.Fatalf("%d lit pixels, want about 400", lit)
	}
}

// Camera-like frames of the fixture digits through Simple and the fixture
// engine: the accuracy says whether preprocessing recovers MNIST-style input.
func TestSimpleCameraFrames(t *testing.T) {
	e := fixture.Engine(models.B, 1)
	b := backend.NewSliced(func() *engine.Engine { return e })
	rng := rand.New(rand.NewPCG(7, 7))
	n, ok := 100, 0
	for i := 0; i < n; i++ {
		d := i % 10
		ts, err := prep.Simple(fixture.Frame(d, 640, 480, rng))
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
