package imageio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// DefaultMaxPixels is the pixel limit of a zero Decoder: 40 megapixels,
// more than any camera frame sliced expects and far below what would
// exhaust a 4 GB board.
const DefaultMaxPixels = 40_000_000

// Format names, as returned by Sniff and Decode.
const (
	PNG  = "png"
	JPEG = "jpeg"
	PGM  = "pgm"
)

var (
	// ErrUnknownFormat means the first bytes match no supported format.
	ErrUnknownFormat = errors.New("imageio: unknown image format (want PNG, JPEG or PGM)")
	// ErrTooLarge means the header declares more pixels than the limit.
	ErrTooLarge = errors.New("imageio: image too large")
)

// Decoder decodes images with a pixel limit. The zero value uses
// DefaultMaxPixels.
type Decoder struct {
	MaxPixels int // width*height limit; <= 0 means DefaultMaxPixels
	// KeepOrientation leaves a JPEG as stored; by default a JPEG with an
	// EXIF Orientation tag (phone photos) is turned upright.
	KeepOrientation bool
}

type format struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var formats = []format{
	{PNG, png.DecodeConfig, png.Decode},
	{JPEG, jpeg.DecodeConfig, jpeg.Decode},
	{PGM, DecodePGMConfig, DecodePGM},
}

// Sniff names the format of an image from its first bytes (at least 3 are
// needed), or returns "".
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}):
		return JPEG
	case len(head) >= 3 && head[0] == 'P' && (head[1] == '2' || head[1] == '5') && isSpace(head[2]):
		return PGM
	}
	return ""
}

func lookup(name string) *format {
	for i := range formats {
		if formats[i].name == name {
			return &formats[i]
		}
	}
	return nil
}

// Decode reads one image with the default pixel limit.
func Decode(r io.Reader) (image.Image, string, error) {
	return Decoder{}.Decode(r)
}

// DecodeConfig reads only the header: format, size and colour model.
func DecodeConfig(r io.Reader) (image.Config, string, error) {
	return Decoder{}.DecodeConfig(r)
}

func (d Decoder) limit() int {
	if d.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return d.MaxPixels
}

func sniff(br *bufio.Reader) (*format, error) {
	head, err := br.Peek(8)
	if len(head) == 0 {
		if err == nil || err == io.EOF {
			return nil, errors.New("imageio: empty input")
		}
		return nil, fmt.Errorf("imageio: %w", err)
	}
	f := lookup(Sniff(head))
	if f == nil {
		return nil, ErrUnknownFormat
	}
	return f, nil
}

// check rejects a header whose size is empty or over the limit.
func (d Decoder) check(f *format, c image.Config) error {
	if c.Width <= 0 || c.Height <= 0 {
		return fmt.Errorf("imageio: %s: empty image (%dx%d)", f.name, c.Width, c.Height)
	}
	// Compare as int64 by division so that huge sides cannot overflow.
	if max := int64(d.limit()); int64(c.Width) > max/int64(c.Height) {
		return fmt.Errorf("%w: %s of %dx%d pixels exceeds the limit of %d", ErrTooLarge, f.name, c.Width, c.Height, max)
	}
	return nil
}

// DecodeConfig reads the header and checks it against the pixel limit.
func (d Decoder) DecodeConfig(r io.Reader) (image.Config, string, error) {
	br := bufio.NewReader(r)
	f, err := sniff(br)
	if err != nil {
		return image.Config{}, "", err
	}
	c, err := f.config(br)
	if err != nil {
		return image.Config{}, f.name, fmt.Errorf("imageio: %s header: %w", f.name, err)
	}
	return c, f.name, d.check(f, c)
}

// Decode sniffs the format, checks the header against the pixel limit and
// only then decodes the pixels. The reader is consumed once: the header
// bytes are kept and replayed to the full decoder.
func (d Decoder) Decode(r io.Reader) (img image.Image, name string, err error) {
	br := bufio.NewReader(r)
	f, err := sniff(br)
	if err != nil {
		return nil, "", err
	}
	var head bytes.Buffer
	c, err := f.config(io.TeeReader(br, &head))
	if err != nil {
		return nil, f.name, fmt.Errorf("imageio: %s header: %w", f.name, err)
	}
	if err := d.check(f, c); err != nil {
		return nil, f.name, err
	}
	// The standard decoders are not known to panic on bad input, but a
	// decoder bug must not take a long-running daemon down.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("imageio: %s: decoder failed: %v", f.name, p)
		}
	}()
	orientation := 1
	if f.name == JPEG && !d.KeepOrientation {
		orientation = exifOrientation(head.Bytes())
	}
	img, err = f.decode(io.MultiReader(&head, br))
	if err != nil {
		return nil, f.name, fmt.Errorf("imageio: %s: %w", f.name, err)
	}
	return orient(img, orientation), f.name, nil
}

// DecodeBytes decodes an image held in memory.
func (d Decoder) DecodeBytes(data []byte) (image.Image, string, error) {
	return d.Decode(bytes.NewReader(data))
}
