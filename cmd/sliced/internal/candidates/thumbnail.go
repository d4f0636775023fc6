package candidates

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// DigitShape is the input of digit engines, and of candidate files that
// do not say theirs.
var DigitShape = nn.Shape{C: 1, H: preprocess.Size, W: preprocess.Size}

// ThumbScale is how many thumbnail pixels one input pixel becomes.
const ThumbScale = 3

// Thumbnail draws the input tensor of shape s (CHW, normalised as p says:
// undone here) as a PNG of ThumbScale pixels per input pixel, gray for
// one channel, RGB for three. Digit inputs show ink bright.
func Thumbnail(in []float32, s nn.Shape, p engine.Preprocess) ([]byte, error) {
	w, h := s.W*ThumbScale, s.H*ThumbScale
	plane := s.H * s.W
	px := func(c, x, y int) uint8 {
		mean, scale := p.Norm(c)
		v := in[c*plane+(y/ThumbScale)*s.W+x/ThumbScale]
		if scale != 0 {
			v = v/scale + mean
		}
		return uint8(min(max(v, 0), 1)*255 + 0.5)
	}
	var m image.Image
	if s.C == 3 {
		rgb := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				rgb.SetRGBA(x, y, color.RGBA{px(0, x, y), px(1, x, y), px(2, x, y), 255})
			}
		}
		m = rgb
	} else {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g.Pix[y*g.Stride+x] = px(0, x, y)
			}
		}
		m = g
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
