package scenes

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/engine/imageio"
)

// Look is what a camera does to one frame of a region.
type Look struct {
	Gain    float64     // lighting: every value times Gain (0.7 to 1.3)
	Offset  float64     // and plus Offset, in 0..255 units (a change of black level)
	Noise   float64     // standard deviation of sensor noise, 0..255 units
	Quality int         // JPEG quality
	Shift   image.Point // of the region's content, in pixels
}

// Jitter draws a Look for a region of w x h pixels: lighting within
// +-30 %, a shift of up to 5 % of the region, noise, JPEG 60 to 95.
func Jitter(rng *rand.Rand, w, h int) Look {
	return Look{
		Gain:    0.7 + 0.6*rng.Float64(),
		Offset:  -8 + 16*rng.Float64(),
		Noise:   1 + 5*rng.Float64(),
		Quality: 60 + rng.IntN(36),
		Shift:   image.Pt(shift(rng, w), shift(rng, h)),
	}
}

func shift(rng *rand.Rand, n int) int {
	m := n / 20
	if m == 0 {
		return 0
	}
	return rng.IntN(2*m+1) - m
}

// Light applies the lighting and the noise to m in place.
func (l Look) Light(m *image.RGBA, rng *rand.Rand) {
	for i := range m.Pix {
		if i%4 == 3 {
			continue
		}
		v := float64(m.Pix[i])*l.Gain + l.Offset + rng.NormFloat64()*l.Noise
		m.Pix[i] = uint8(math.Round(min(max(v, 0), 255)))
	}
}

// JPEG is m encoded at l.Quality and decoded again, as a camera's MJPEG
// stream gives it.
func (l Look) JPEG(m image.Image) (image.Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: l.Quality}); err != nil {
		return nil, err
	}
	img, _, err := imageio.Decode(&buf)
	return img, err
}
