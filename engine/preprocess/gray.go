package preprocess

import (
	"fmt"
	"image"
	"image/color"
)

// maxPixels bounds what Image converts; decoders apply their own limit
// first (engine/imageio), this only keeps a hand-made image from
// exhausting memory.
const maxPixels = 1 << 28

// grayPlane returns 8-bit luma for img: the image's own buffer for gray
// and YCbCr images (no copy), a converted copy otherwise.
func (p *Preprocessor) grayPlane(img image.Image) (pix []byte, w, h, stride int, err error) {
	r := img.Bounds()
	w, h = r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return nil, 0, 0, 0, fmt.Errorf("preprocess: empty image %v", r)
	}
	if int64(w)*int64(h) > maxPixels {
		return nil, 0, 0, 0, fmt.Errorf("preprocess: image of %dx%d pixels is too large", w, h)
	}
	switch m := img.(type) {
	case *image.Gray:
		return m.Pix[m.PixOffset(r.Min.X, r.Min.Y):], w, h, m.Stride, nil
	case *image.YCbCr:
		// JPEG's Y is full-range luma: the gray value itself.
		return m.Y[m.YOffset(r.Min.X, r.Min.Y):], w, h, m.YStride, nil
	}
	p.gray = grow(p.gray, w*h)
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			out := p.gray[y*w : y*w+w]
			for x := range out {
				out[x] = luma(row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.NRGBA:
		// Transparent pixels count as their colour, not as black:
		// a digit drawn on a transparent PNG keeps its background.
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			out := p.gray[y*w : y*w+w]
			for x := range out {
				out[x] = luma(row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.gray[y*w+x] = color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return p.gray, w, h, w, nil
}

// luma uses the same weights as color.GrayModel (ITU-R BT.601).
func luma(r, g, b byte) byte {
	return byte((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}
