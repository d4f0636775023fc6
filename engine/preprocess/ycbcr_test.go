package preprocess

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
)

func randomYCbCr(r image.Rectangle, s image.YCbCrSubsampleRatio, rng *rand.Rand) *image.YCbCr {
	m := image.NewYCbCr(r, s)
	for _, p := range [][]byte{m.Y, m.Cb, m.Cr} {
		for i := range p {
			p[i] = byte(rng.IntN(256))
		}
	}
	return m
}

// The fast path gives color.YCbCrToRGB's values exactly, for every
// subsample ratio, regions at odd offsets and sub-images.
func TestYCbCrPlanesMatchSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	for _, s := range ratios {
		full := randomYCbCr(image.Rect(0, 0, 37, 29), s, rng)
		sub := full.SubImage(image.Rect(3, 5, 34, 26)).(*image.YCbCr)
		for _, c := range []struct {
			m *image.YCbCr
			r image.Rectangle
		}{
			{full, full.Rect},
			{full, image.Rect(1, 1, 36, 28)},
			{full, image.Rect(5, 3, 6, 4)},
			{sub, sub.Rect},
			{sub, image.Rect(7, 9, 20, 21)},
		} {
			n := c.r.Dx() * c.r.Dy()
			fast, slow := make([]float32, 3*n), make([]float32, 3*n)
			ycbcrPlanes(fast[:n], fast[n:2*n], fast[2*n:], c.m, c.r)
			ycbcrPlanesSlow(slow[:n], slow[n:2*n], slow[2*n:], c.m, c.r)
			if !slices.Equal(fast, slow) {
				t.Fatalf("%v, region %v of %v: fast and slow paths differ", s, c.r, c.m.Rect)
			}
		}
	}
}

// SceneImage reads a YCbCr frame's colour: a red JPEG-like frame is red.
func TestSceneYCbCrRGB(t *testing.T) {
	m := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	// BT.601 full-range red: Y 76, Cb 85, Cr 255.
	for i := range m.Y {
		m.Y[i] = 76
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = 85, 255
	}
	dst := make([]float32, 3*4*4)
	if _, err := New().SceneImage(dst, m, image.Rect(4, 4, 12, 12), Scene{C: 3, H: 4, W: 4, Fit: Stretch}); err != nil {
		t.Fatal(err)
	}
	if r, g, b := dst[0], dst[16], dst[32]; r < 0.98 || g > 0.02 || b > 0.02 {
		t.Fatalf("red frame read as %v %v %v", r, g, b)
	}
}

// BenchmarkSceneYCbCrRGB is one region of a 640x480 JPEG frame (4:2:0)
// to a 3x32x32 input.
func BenchmarkSceneYCbCrRGB(b *testing.B) {
	m := randomYCbCr(image.Rect(0, 0, 640, 480), image.YCbCrSubsampleRatio420, rand.New(rand.NewPCG(1, 1)))
	p := New()
	dst := make([]float32, 3*32*32)
	s := Scene{C: 3, H: 32, W: 32}
	for b.Loop() {
		if _, err := p.SceneImage(dst, m, image.Rect(100, 100, 260, 220), s); err != nil {
			b.Fatal(err)
		}
	}
}
