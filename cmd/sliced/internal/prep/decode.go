package prep

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // formats accepted from clients and image folders
	_ "image/jpeg"
	_ "image/png"
)

// Decode decodes a PNG, JPEG or GIF, refusing before any pixel is
// allocated an image of more than maxPixels (a decompression bomb).
func Decode(data []byte, maxPixels int64) (image.Image, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("image: %w", err)
	}
	if err := CheckSize(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, format, err
	}
	m, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, format, fmt.Errorf("image: %w", err)
	}
	return m, format, nil
}

// TooLargeError is an image over the pixel limit.
type TooLargeError struct {
	Width, Height int
	Max           int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("image: %dx%d is more than the limit of %d pixels", e.Width, e.Height, e.Max)
}

// CheckSize refuses empty images and those over maxPixels.
func CheckSize(w, h int, maxPixels int64) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image: empty (%dx%d)", w, h)
	}
	if int64(w)*int64(h) > maxPixels {
		return &TooLargeError{w, h, maxPixels}
	}
	return nil
}
