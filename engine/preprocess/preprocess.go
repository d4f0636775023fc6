package preprocess

import (
	"errors"
	"fmt"
	"image"
)

const (
	// Size is the side of the output tensor: Size*Size float32 values.
	Size = 28
	// Box is the side of the square a camera frame's digit is fitted into.
	Box = 20
)

// Mode says which rule an image went through.
type Mode uint8

const (
	AsIs  Mode = 1 // a 28x28 image with a dark border, scaled to [0, 1]
	Frame Mode = 2 // a camera frame: found, cropped, fitted and centred
)

func (m Mode) String() string {
	switch m {
	case AsIs:
		return "as-is"
	case Frame:
		return "frame"
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// Info describes what preprocessing did to one image.
type Info struct {
	Mode     Mode
	Inverted bool            // the image had dark ink on a light background
	Empty    bool            // no digit found; the tensor is all zeros
	Box      image.Rectangle // the digit in image coordinates (Frame mode)
}

// Preprocessor converts images to tensors, reusing its scratch buffers.
// The zero value is ready to use. Not safe for concurrent use.
type Preprocessor struct {
	gray   []byte    // image.Image converted to 8-bit gray, when needed
	small  []byte    // low-resolution analysis copy, polarity applied
	bg     []byte    // background estimate per small pixel
	bgRows []float32 // background interpolated along x per block row
	flat   []byte    // small minus background
	rowSum []uint32  // downsampling accumulator
	cells  []byte    // background per block
	mask   []byte    // analysis pixels next to the digit
	cc     components
	crop   []float32 // the digit at full resolution
	tmp    []float32 // resampling scratch
	patch  []float32 // the digit fitted into Box x Box
	wx, wy weights
}

// New returns a Preprocessor.
func New() *Preprocessor { return &Preprocessor{} }

// ErrDst means the destination is not Size*Size values long.
var ErrDst = errors.New("preprocess: destination must hold 28*28 values")

// Image writes the tensor for img into dst (Size*Size values).
func (p *Preprocessor) Image(dst []float32, img image.Image) (Info, error) {
	if len(dst) != Size*Size {
		return Info{}, ErrDst
	}
	pix, w, h, stride, err := p.grayPlane(img)
	if err != nil {
		return Info{}, err
	}
	return p.FromGray(dst, pix, w, h, stride)
}

// FromGray writes the tensor for an 8-bit grayscale image into dst
// (Size*Size values). Row y of the image is pix[y*stride : y*stride+w].
func (p *Preprocessor) FromGray(dst []float32, pix []byte, w, h, stride int) (Info, error) {
	if len(dst) != Size*Size {
		return Info{}, ErrDst
	}
	if w <= 0 || h <= 0 {
		return Info{}, fmt.Errorf("preprocess: empty image %dx%d", w, h)
	}
	if stride < w {
		return Info{}, fmt.Errorf("preprocess: stride %d is less than width %d", stride, w)
	}
	if need := (h-1)*stride + w; len(pix) < need || need < 0 {
		return Info{}, fmt.Errorf("preprocess: %d bytes for a %dx%d image with stride %d (need %d)", len(pix), w, h, stride, need)
	}
	if w == Size && h == Size && darkBorder(pix, stride) {
		for y := 0; y < Size; y++ {
			for x, v := range pix[y*stride : y*stride+Size] {
				dst[y*Size+x] = float32(v) / 255
			}
		}
		return Info{Mode: AsIs, Box: image.Rect(0, 0, Size, Size)}, nil
	}
	return p.frame(dst, pix, w, h, stride), nil
}

// darkBorder reports whether the outermost ring of a Size x Size image is
// on average darker than mid-gray.
func darkBorder(pix []byte, stride int) bool {
	sum, n := 0, 0
	for y := 0; y < Size; y++ {
		row := pix[y*stride : y*stride+Size]
		if y == 0 || y == Size-1 {
			for _, v := range row {
				sum += int(v)
			}
			n += Size
		} else {
			sum += int(row[0]) + int(row[Size-1])
			n += 2
		}
	}
	return sum < 128*n
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
