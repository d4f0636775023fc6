package preprocess

import (
	"image"
	"image/color"
)

// chromaShift is how many luma columns and rows share one chroma sample,
// as powers of two, for each of image.YCbCr's subsample ratios.
func chromaShift(s image.YCbCrSubsampleRatio) (hs, vs uint, ok bool) {
	switch s {
	case image.YCbCrSubsampleRatio444:
		return 0, 0, true
	case image.YCbCrSubsampleRatio422:
		return 1, 0, true
	case image.YCbCrSubsampleRatio420:
		return 1, 1, true
	case image.YCbCrSubsampleRatio440:
		return 0, 1, true
	case image.YCbCrSubsampleRatio411:
		return 2, 0, true
	case image.YCbCrSubsampleRatio410:
		return 2, 1, true
	}
	return 0, 0, false
}

// ycbcrPlanes writes region r of m into rp, gp and bp (r.Dx()*r.Dy()
// values each, in [0, 1]) with color.YCbCrToRGB's arithmetic inlined:
// a camera's JPEG frame becomes the RGB input without an image.RGBA copy
// and without a call per pixel. The chroma row and column of a pixel
// come from shifts, which match image.YCbCr.COffset's divisions for the
// non-negative coordinates decoders give; other images take
// ycbcrPlanesSlow.
func ycbcrPlanes(rp, gp, bp []float32, m *image.YCbCr, r image.Rectangle) {
	hs, vs, ok := chromaShift(m.SubsampleRatio)
	if !ok || m.Rect.Min.X < 0 || m.Rect.Min.Y < 0 {
		ycbcrPlanesSlow(rp, gp, bp, m, r)
		return
	}
	const k = 1.0 / 255
	w := r.Dx()
	cx0, cy0 := m.Rect.Min.X>>hs, m.Rect.Min.Y>>vs
	first := r.Min.X >> hs // the chroma column of the region's first pixel
	for y := r.Min.Y; y < r.Max.Y; y++ {
		yrow := m.Y[m.YOffset(r.Min.X, y):][:w]
		c := ((y>>vs)-cy0)*m.CStride + first - cx0
		crow, rrow := m.Cb[c:], m.Cr[c:]
		i := (y - r.Min.Y) * w
		ro, gro, bo := rp[i:i+w], gp[i:i+w], bp[i:i+w]
		for x, yv := range yrow {
			ci := (r.Min.X+x)>>hs - first
			yy1 := int32(yv) * 0x10101
			cb1 := int32(crow[ci]) - 128
			cr1 := int32(rrow[ci]) - 128
			// Clamping after the shift is YCbCrToRGB's bit trick, without
			// its branches (min and max compile to conditional moves).
			rv := min(max((yy1+91881*cr1)>>16, 0), 255)
			gv := min(max((yy1-22554*cb1-46802*cr1)>>16, 0), 255)
			bv := min(max((yy1+116130*cb1)>>16, 0), 255)
			ro[x] = float32(rv) * k
			gro[x] = float32(gv) * k
			bo[x] = float32(bv) * k
		}
	}
}

// ycbcrPlanesSlow is ycbcrPlanes through the image's own offsets and
// color.YCbCrToRGB: the reference the fast path is tested against.
func ycbcrPlanesSlow(rp, gp, bp []float32, m *image.YCbCr, r image.Rectangle) {
	const k = 1.0 / 255
	w := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			cr, cg, cb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			i := (y-r.Min.Y)*w + x - r.Min.X
			rp[i], gp[i], bp[i] = float32(cr)*k, float32(cg)*k, float32(cb)*k
		}
	}
}
