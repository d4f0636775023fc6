package prep_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
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
