package preprocess

import (
	"fmt"
	"image"
	"image/color"
)

// Fit says how a crop whose aspect differs from the output's is resized.
type Fit uint8

const (
	Letterbox  Fit = iota // the whole crop inside the output, padded
	CenterCrop            // the crop covers the output, its centre is kept
	Stretch               // each axis scaled on its own
)

// Scene describes a scene input: a region of the frame resized to
// C x H x W (C is 1 for gray, 3 for RGB), with no object search.
type Scene struct {
	C, H, W int
	Fit     Fit
	// Mean and Scale normalise channel c: (v - Mean[c]) * Scale[c], v in
	// [0, 1]. Empty means 0 and 1; a single value applies to every channel.
	Mean, Scale []float32
	Pad         float32 // letterbox fill, in [0, 1] before normalisation
}

// ChannelNorm is the mean and scale of channel c from per-channel lists:
// empty means 0 and 1, and the last value stands for later channels (a
// single value applies to every channel).
func ChannelNorm(means, scales []float32, c int) (mean, scale float32) {
	mean, scale = 0, 1
	if n := len(means); n > 0 {
		mean = means[min(c, n-1)]
	}
	if n := len(scales); n > 0 {
		scale = scales[min(c, n-1)]
	}
	return mean, scale
}

// SceneImage writes region r of img (the whole image when r is empty),
// resized as s says, into dst as CHW planes of s.C*s.H*s.W values, and
// returns the part of the frame the input shows. A region that is not
// inside the image is an error.
func (p *Preprocessor) SceneImage(dst []float32, img image.Image, r image.Rectangle, s Scene) (image.Rectangle, error) {
	if s.C != 1 && s.C != 3 {
		return image.Rectangle{}, fmt.Errorf("preprocess: %d channels, want 1 (gray) or 3 (RGB)", s.C)
	}
	if s.H <= 0 || s.W <= 0 || len(dst) != s.C*s.H*s.W {
		return image.Rectangle{}, fmt.Errorf("preprocess: destination of %d values for %dx%dx%d", len(dst), s.H, s.W, s.C)
	}
	b := img.Bounds()
	if r.Empty() {
		r = b
	}
	if !r.In(b) || r.Empty() {
		return image.Rectangle{}, fmt.Errorf("preprocess: region %v is not inside the %dx%d frame", r.Sub(b.Min), b.Dx(), b.Dy())
	}
	if int64(r.Dx())*int64(r.Dy()) > maxPixels {
		return image.Rectangle{}, fmt.Errorf("preprocess: region of %dx%d pixels is too large", r.Dx(), r.Dy())
	}
	// Centre crop: cut the region to the output's aspect before resizing.
	if s.Fit == CenterCrop {
		r = centreAspect(r, s.W, s.H)
	}
	sw, sh := r.Dx(), r.Dy()
	fw, fh := s.W, s.H
	if s.Fit == Letterbox {
		fw, fh = letterbox(sw, sh, s.W, s.H)
	}
	ox, oy := (s.W-fw)/2, (s.H-fh)/2
	p.planes(img, r, s.C)
	p.patch = grow(p.patch, fw*fh)
	plane := s.H * s.W
	for c := 0; c < s.C; c++ {
		p.resample(p.patch, fw, fh, p.crop[c*sw*sh:(c+1)*sw*sh], sw, sh)
		mean, scale := ChannelNorm(s.Mean, s.Scale, c)
		out := dst[c*plane : (c+1)*plane]
		pad := (s.Pad - mean) * scale
		for i := range out {
			out[i] = pad
		}
		for y := 0; y < fh; y++ {
			row := out[(oy+y)*s.W+ox:]
			for x, v := range p.patch[y*fw : y*fw+fw] {
				row[x] = (v - mean) * scale
			}
		}
	}
	return r, nil
}

// centreAspect is the largest rectangle of aspect w:h centred in r.
func centreAspect(r image.Rectangle, w, h int) image.Rectangle {
	rw, rh := r.Dx(), r.Dy()
	if int64(rw)*int64(h) > int64(rh)*int64(w) {
		cw := max(1, int((int64(rh)*int64(w)+int64(h)/2)/int64(h)))
		x := r.Min.X + (rw-cw)/2
		return image.Rect(x, r.Min.Y, x+cw, r.Max.Y)
	}
	ch := max(1, int((int64(rw)*int64(h)+int64(w)/2)/int64(w)))
	y := r.Min.Y + (rh-ch)/2
	return image.Rect(r.Min.X, y, r.Max.X, y+ch)
}

// letterbox is the size of a sw x sh crop scaled to fit inside w x h.
func letterbox(sw, sh, w, h int) (fw, fh int) {
	if int64(sw)*int64(h) >= int64(sh)*int64(w) {
		return w, min(h, max(1, int((int64(sh)*int64(w)+int64(sw)/2)/int64(sw))))
	}
	return min(w, max(1, int((int64(sw)*int64(h)+int64(sh)/2)/int64(sh)))), h
}

// planes writes region r of img into p.crop as c planes of values in
// [0, 1]: luma for one channel, R, G and B for three.
func (p *Preprocessor) planes(img image.Image, r image.Rectangle, c int) {
	w, h := r.Dx(), r.Dy()
	n := w * h
	p.crop = grow(p.crop, c*n)
	const k = 1.0 / 255
	if c == 1 {
		if m, ok := img.(*image.Gray); ok {
			for y := 0; y < h; y++ {
				row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
				for x, v := range row[:w] {
					p.crop[y*w+x] = float32(v) * k
				}
			}
			return
		}
		if m, ok := img.(*image.YCbCr); ok {
			// JPEG's Y is full-range luma: the gray value itself.
			for y := 0; y < h; y++ {
				row := m.Y[m.YOffset(r.Min.X, r.Min.Y+y):]
				for x, v := range row[:w] {
					p.crop[y*w+x] = float32(v) * k
				}
			}
			return
		}
	}
	rgb := func(i int, cr, cg, cb uint8) {
		if c == 1 {
			p.crop[i] = float32(luma(cr, cg, cb)) * k
			return
		}
		p.crop[i], p.crop[n+i], p.crop[2*n+i] = float32(cr)*k, float32(cg)*k, float32(cb)*k
	}
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := 0; x < w; x++ {
				rgb(y*w+x, row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.NRGBA:
		// Transparent pixels count as their colour, as in grayPlane.
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := 0; x < w; x++ {
				rgb(y*w+x, row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.YCbCr:
		// c is 3 here: one channel reads the Y plane above.
		ycbcrPlanes(p.crop[:n], p.crop[n:2*n], p.crop[2*n:], m, r)
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := 0; x < w; x++ {
				rgb(y*w+x, row[x], row[x], row[x])
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := color.NRGBAModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.NRGBA)
				rgb(y*w+x, v.R, v.G, v.B)
			}
		}
	}
}
