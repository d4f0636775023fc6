package preprocess

import (
	"image"
	"testing"
)

// benchFrame is a 640x480 camera-like frame: a digit-sized blob of dark
// strokes on paper with a lighting gradient and noise.
func benchFrame() *image.Gray {
	img := paper(640, 480, 210, 40,
		image.Rect(250, 120, 330, 140), image.Rect(310, 140, 330, 330), image.Rect(260, 220, 310, 236))
	seed := uint32(1)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = byte(max(min(int(img.Pix[i])-(i%640)/10+int(seed>>28)-8, 255), 0))
	}
	return img
}

func BenchmarkFromGray640x480(b *testing.B) {
	img := benchFrame()
	p := New()
	dst := make([]float32, Size*Size)
	b.SetBytes(int64(len(img.Pix)))
	for i := 0; i < b.N; i++ {
		if _, err := p.FromGray(dst, img.Pix, 640, 480, img.Stride); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImageRGBA640x480(b *testing.B) {
	g := benchFrame()
	img := image.NewRGBA(g.Rect)
	for i, v := range g.Pix {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = v, v, v, 255
	}
	p := New()
	dst := make([]float32, Size*Size)
	for i := 0; i < b.N; i++ {
		if _, err := p.Image(dst, img); err != nil {
			b.Fatal(err)
		}
	}
}
