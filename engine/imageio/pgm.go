package imageio

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
)

// PGM (Netpbm graymap): "P5" (binary samples) or "P2" (ASCII samples), then
// width, height and maxval as decimal text separated by whitespace, with
// '#' comments running to the end of a line. Binary samples are one byte
// when maxval < 256, else two bytes big-endian.

// maxDim bounds each side while parsing, before the pixel limit applies,
// so that absurd numbers fail as "too large", not as an overflow.
const maxDim = 1 << 24

type pgmHeader struct {
	binary        bool
	width, height int
	maxval        int
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// readToken skips whitespace and comments and returns the next token of
// at most 10 characters.
func readToken(br *bufio.Reader) (string, error) {
	var tok []byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			if err == io.EOF {
				if len(tok) > 0 {
					return string(tok), nil
				}
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch {
		case b == '#' && len(tok) == 0:
			if _, err := br.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return "", err
			}
			for err == bufio.ErrBufferFull { // a comment longer than the buffer
				_, err = br.ReadSlice('\n')
			}
		case isSpace(b):
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			if len(tok) >= 10 {
				return "", fmt.Errorf("token %q... too long", tok)
			}
			tok = append(tok, b)
		}
	}
}

func readInt(br *bufio.Reader, what string, lo, hi int) (int, error) {
	tok, err := readToken(br)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", what, err)
	}
	n, err := strconv.Atoi(tok)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", what, tok)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s %d out of range [%d, %d]", what, n, lo, hi)
	}
	return n, nil
}

func readPGMHeader(br *bufio.Reader) (pgmHeader, error) {
	var h pgmHeader
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil {
		return h, fmt.Errorf("reading magic: %w", err)
	}
	switch string(magic) {
	case "P5":
		h.binary = true
	case "P2":
	default:
		return h, fmt.Errorf("magic %q is not P2 or P5", magic)
	}
	var err error
	if h.width, err = readInt(br, "width", 1, maxDim); err != nil {
		return h, err
	}
	if h.height, err = readInt(br, "height", 1, maxDim); err != nil {
		return h, err
	}
	if h.maxval, err = readInt(br, "maxval", 1, 65535); err != nil {
		return h, err
	}
	// readToken consumed exactly one whitespace byte after maxval, which
	// is where binary samples start.
	return h, nil
}

func (h pgmHeader) config() image.Config {
	m := color.GrayModel
	if h.maxval > 255 {
		m = color.Gray16Model
	}
	return image.Config{ColorModel: m, Width: h.width, Height: h.height}
}

// DecodePGMConfig reads a PGM header.
func DecodePGMConfig(r io.Reader) (image.Config, error) {
	h, err := readPGMHeader(bufio.NewReader(r))
	if err != nil {
		return image.Config{}, err
	}
	return h.config(), nil
}

// DecodePGM reads a P5 or P2 graymap as an *image.Gray (maxval < 256,
// rescaled to 0..255) or an *image.Gray16. It applies no pixel limit: use
// a Decoder for untrusted input.
func DecodePGM(r io.Reader) (image.Image, error) {
	br := bufio.NewReader(r)
	h, err := readPGMHeader(br)
	if err != nil {
		return nil, err
	}
	if int64(h.width)*int64(h.height) > DefaultMaxPixels*16 {
		return nil, fmt.Errorf("%dx%d pixels is too large", h.width, h.height)
	}
	n := h.width * h.height
	// Grow with the data actually read, so that a short file claiming a
	// huge size fails before a huge allocation.
	samples := make([]uint16, 0, min(n, 1<<16))
	if h.binary {
		samples, err = readBinary(br, samples, n, h.maxval)
	} else {
		samples, err = readASCII(br, samples, n, h.maxval)
	}
	if err != nil {
		return nil, err
	}
	rect := image.Rect(0, 0, h.width, h.height)
	if h.maxval > 255 {
		img := image.NewGray16(rect)
		for i, v := range samples {
			v = uint16((uint32(v)*65535 + uint32(h.maxval)/2) / uint32(h.maxval))
			img.Pix[2*i], img.Pix[2*i+1] = byte(v>>8), byte(v)
		}
		return img, nil
	}
	img := image.NewGray(rect)
	for i, v := range samples {
		img.Pix[i] = byte((uint32(v)*255 + uint32(h.maxval)/2) / uint32(h.maxval))
	}
	return img, nil
}

var errSample = errors.New("sample exceeds maxval")

func readBinary(br *bufio.Reader, dst []uint16, n, maxval int) ([]uint16, error) {
	wide := maxval > 255
	for len(dst) < n {
		var v uint16
		b, err := br.ReadByte()
		if err == nil && wide {
			var lo byte
			lo, err = br.ReadByte()
			v = uint16(b)<<8 | uint16(lo)
		} else {
			v = uint16(b)
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("pixel data after %d of %d samples: %w", len(dst), n, err)
		}
		if int(v) > maxval {
			return nil, fmt.Errorf("sample %d: %d: %w %d", len(dst), v, errSample, maxval)
		}
		dst = append(dst, v)
	}
	return dst, nil
}

func readASCII(br *bufio.Reader, dst []uint16, n, maxval int) ([]uint16, error) {
	for len(dst) < n {
		v, err := readInt(br, "sample", 0, 65535)
		if err != nil {
			return nil, fmt.Errorf("pixel data after %d of %d samples: %w", len(dst), n, err)
		}
		if v > maxval {
			return nil, fmt.Errorf("sample %d: %d: %w %d", len(dst), v, errSample, maxval)
		}
		dst = append(dst, uint16(v))
	}
	return dst, nil
}

// EncodePGM writes img as a binary 8-bit PGM (P5), converting it to gray.
func EncodePGM(w io.Writer, img image.Image) error {
	b := img.Bounds()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			bw.WriteByte(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	return bw.Flush()
}
