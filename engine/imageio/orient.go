package imageio

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// Phone cameras store pixels as the sensor saw them and record how to
// turn them upright in the EXIF Orientation tag (0x0112): 1 upright,
// 2 mirrored, 3 upside down, 4 flipped, 5-8 the transposed variants, of
// which 6 is "turn 90° clockwise" and 8 "turn 90° anticlockwise".

// exifOrientation finds the Orientation tag in a JPEG's header bytes, or
// returns 1. It reads only what the bytes hold and never fails.
func exifOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return 1
	}
	b = b[2:]
	for len(b) >= 4 && b[0] == 0xff {
		marker, n := b[1], int(binary.BigEndian.Uint16(b[2:4]))
		if n < 2 || n+2 > len(b) || marker == 0xda { // SOS: no more headers
			return 1
		}
		seg := b[4 : 2+n]
		if marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		b = b[2+n:]
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int64(bo.Uint32(t[4:8]))
	if off+2 > int64(len(t)) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for i := 0; i < count; i++ {
		e := off + 2 + int64(i)*12
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns img upright for an EXIF orientation: gray images stay
// *image.Gray, others become *image.RGBA.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	var src []byte
	var bpp, stride int
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if g, ok := img.(*image.Gray); ok {
		src, bpp, stride = g.Pix[g.PixOffset(r.Min.X, r.Min.Y):], 1, g.Stride
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Rect, img, r.Min, draw.Src)
		src, bpp, stride = rgba.Pix, 4, rgba.Stride
	}
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	dst := make([]byte, ow*oh*bpp)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			copy(dst[(dy*ow+dx)*bpp:(dy*ow+dx+1)*bpp], src[y*stride+x*bpp:])
		}
	}
	rect := image.Rect(0, 0, ow, oh)
	if bpp == 1 {
		return &image.Gray{Pix: dst, Stride: ow, Rect: rect}
	}
	return &image.RGBA{Pix: dst, Stride: 4 * ow, Rect: rect}
}
