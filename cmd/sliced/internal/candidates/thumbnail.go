package candidates

import (
	"bytes"
	"image"
	"image/png"

	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Size is the length of a candidate's input: one 1x28x28 tensor.
const Size = preprocess.Size * preprocess.Size

// ThumbScale is how many thumbnail pixels one input pixel becomes.
const ThumbScale = 3

// Thumbnail draws the input tensor (values in [0, 1], ink bright) as a
// gray PNG of 84x84 pixels.
func Thumbnail(in []float32) ([]byte, error) {
	const n = preprocess.Size * ThumbScale
	m := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := in[(y/ThumbScale)*preprocess.Size+x/ThumbScale]
			v = min(max(v, 0), 1)
			m.Pix[y*m.Stride+x] = uint8(v*255 + 0.5)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
