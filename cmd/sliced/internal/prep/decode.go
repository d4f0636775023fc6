package prep

import (
	"errors"
	"image"

	"github.com/sliced-ai/sliced/engine/imageio"
)

// Decode decodes a PNG, JPEG or PGM, refusing before any pixel is
// allocated an image of more than maxPixels (a decompression bomb).
func Decode(data []byte, maxPixels int64) (image.Image, string, error) {
	return imageio.Decoder{MaxPixels: int(min(maxPixels, 1<<40))}.DecodeBytes(data)
}

// IsTooLarge reports whether err is an image over the pixel limit.
func IsTooLarge(err error) bool { return errors.Is(err, imageio.ErrTooLarge) }
