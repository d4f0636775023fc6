package prep

import (
	"errors"
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// Func maps an image to a 1x28x28 tensor. A Func must be safe for
// concurrent use.
type Func func(image.Image) ([]float32, error)

// ErrNoInk means the frame holds nothing darker (or lighter) than its
// background: there is no object to classify.
var ErrNoInk = errors.New("prep: no object in the frame")

// Gray converts any image to 8-bit grey, reusing m's pixels when m is
// already grey.
func Gray(m image.Image) *image.Gray {
	if g, ok := m.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(m.Bounds())
	draw.Draw(g, g.Rect, m, m.Bounds().Min, draw.Src)
	return g
}

// Simple is the built-in preprocessing (see the package doc).
func Simple(m image.Image) ([]float32, error) {
	g := Gray(m)
	b := g.Rect
	if b.Empty() {
		return nil, errors.New("prep: empty image")
	}
	// Polarity and threshold from the grey histogram: ink is the side
	// away from the mean, beyond halfway to the extreme.
	var sum, lo, hi int = 0, 255, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := g.Pix[g.PixOffset(b.Min.X, y):g.PixOffset(b.Max.X, y)]
		for _, v := range row {
			sum += int(v)
			lo, hi = min(lo, int(v)), max(hi, int(v))
		}
	}
	mean := sum / (b.Dx() * b.Dy())
	dark := mean-lo > hi-mean // dark ink on light paper
	var thr int
	if dark {
		thr = (mean + lo) / 2
	} else {
		thr = (mean + hi) / 2
	}
	if hi-lo < 32 {
		return nil, ErrNoInk
	}
	ink := func(v uint8) uint8 {
		if dark {
			if int(v) >= thr {
				return 0
			}
			return uint8(255 * (thr - int(v)) / max(1, thr-lo))
		}
		if int(v) <= thr {
			return 0
		}
		return uint8(255 * (int(v) - thr) / max(1, hi-thr))
	}
	// Bounding box of the ink.
	box := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ink(g.Pix[g.PixOffset(x, y)]) > 0 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if box.Empty() {
		return nil, ErrNoInk
	}
	crop := image.NewGray(image.Rect(0, 0, box.Dx(), box.Dy()))
	for y := 0; y < box.Dy(); y++ {
		for x := 0; x < box.Dx(); x++ {
			crop.Pix[y*crop.Stride+x] = ink(g.Pix[g.PixOffset(box.Min.X+x, box.Min.Y+y)])
		}
	}
	// Longer side to 20 pixels, aspect kept.
	w, h := 20, 20
	if box.Dx() > box.Dy() {
		h = max(1, 20*box.Dy()/box.Dx())
	} else {
		w = max(1, 20*box.Dx()/box.Dy())
	}
	small := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(small, small.Rect, crop, crop.Rect, xdraw.Src, nil)
	if box.Dx() > 2*w || box.Dy() > 2*h {
		// Bilinear skips pixels when shrinking a lot; average instead.
		xdraw.CatmullRom.Scale(small, small.Rect, crop, crop.Rect, xdraw.Src, nil)
	}
	// Centre of mass to the middle of the 28x28 plane.
	var mx, my, mass float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float64(small.Pix[y*small.Stride+x])
			mx, my, mass = mx+v*float64(x), my+v*float64(y), mass+v
		}
	}
	if mass == 0 {
		return nil, ErrNoInk
	}
	ox := 14 - int(mx/mass+0.5)
	oy := 14 - int(my/mass+0.5)
	t := make([]float32, 28*28)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			tx, ty := x+ox, y+oy
			if tx >= 0 && tx < 28 && ty >= 0 && ty < 28 {
				t[ty*28+tx] = float32(small.Pix[y*small.Stride+x]) / 255
			}
		}
	}
	return t, nil
}
