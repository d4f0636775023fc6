package v4l2

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// YUYVToGray copies the luma of a packed YUYV 4:2:2 frame (Y0 U Y1 V per two
// pixels, stride bytes per row) into dst, reusing dst's buffer when it fits.
func YUYVToGray(dst *image.Gray, src []byte, width, height, stride int) error {
	if width <= 0 || height <= 0 || width%2 != 0 {
		return fmt.Errorf("yuyv: frame %dx%d: want a positive size with an even width", width, height)
	}
	if stride < 2*width {
		return fmt.Errorf("yuyv: stride %d < 2*width %d", stride, 2*width)
	}
	if need := stride*(height-1) + 2*width; len(src) < need {
		return fmt.Errorf("yuyv: %w: %d bytes for %dx%d (stride %d), want %d", ErrBadFrame, len(src), width, height, stride, need)
	}
	if cap(dst.Pix) < width*height {
		dst.Pix = make([]byte, width*height)
	}
	dst.Pix = dst.Pix[:width*height]
	dst.Stride = width
	dst.Rect = image.Rect(0, 0, width, height)
	for y := range height {
		row := src[y*stride : y*stride+2*width]
		out := dst.Pix[y*width : (y+1)*width]
		for x := range out {
			out[x] = row[2*x]
		}
	}
	return nil
}

// YUYVToYCbCr unpacks a packed YUYV 4:2:2 frame into a new 4:2:2
// *image.YCbCr: the camera's own colour, with no RGB conversion.
func YUYVToYCbCr(src []byte, width, height, stride int) (*image.YCbCr, error) {
	if width <= 0 || height <= 0 || width%2 != 0 {
		return nil, fmt.Errorf("yuyv: frame %dx%d: want a positive size with an even width", width, height)
	}
	if stride < 2*width {
		return nil, fmt.Errorf("yuyv: stride %d < 2*width %d", stride, 2*width)
	}
	if need := stride*(height-1) + 2*width; len(src) < need {
		return nil, fmt.Errorf("yuyv: %w: %d bytes for %dx%d (stride %d), want %d", ErrBadFrame, len(src), width, height, stride, need)
	}
	m := image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio422)
	for y := range height {
		row := src[y*stride : y*stride+2*width]
		ys := m.Y[y*m.YStride : y*m.YStride+width]
		cb := m.Cb[y*m.CStride : y*m.CStride+width/2]
		cr := m.Cr[y*m.CStride : y*m.CStride+width/2]
		for x := range cb {
			q := row[4*x : 4*x+4]
			ys[2*x], cb[x], ys[2*x+1], cr[x] = q[0], q[1], q[2], q[3]
		}
	}
	return m, nil
}

// MJPEGDecode decodes one MJPEG frame to the decoder's image, an
// *image.YCbCr for a colour camera, with MJPEGToGray's Huffman rule.
func MJPEGDecode(data []byte) (image.Image, error) {
	img, err := jpeg.Decode(bytes.NewReader(withHuffman(data)))
	if err != nil {
		return nil, fmt.Errorf("mjpeg: %w: %w", ErrBadFrame, err)
	}
	return img, nil
}

// MJPEGToGray decodes one MJPEG frame to its luma plane. Frames without
// Huffman tables get the standard ones (as in ITU T.81 Annex K), which is
// what such cameras mean. A frame that does not decode gives an error
// wrapping ErrBadFrame.
func MJPEGToGray(data []byte) (*image.Gray, error) {
	img, err := MJPEGDecode(data)
	if err != nil {
		return nil, err
	}
	switch m := img.(type) {
	case *image.Gray:
		return m, nil
	case *image.YCbCr:
		// The Y plane is the luma: share it, no copy.
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}, nil
	default:
		b := img.Bounds()
		g := image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g.SetGray(x, y, color.GrayModel.Convert(img.At(x, y)).(color.Gray))
			}
		}
		return g, nil
	}
}
