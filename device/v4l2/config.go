package v4l2

import (
	"errors"
	"fmt"
)

// ErrNoDevice is wrapped by Open's error when the device node does not exist.
var ErrNoDevice = errors.New("no such video device")

// ErrBadFrame is wrapped by the errors of one corrupt frame (an MJPEG frame
// that does not decode, a YUYV frame too short for its size, a buffer the
// driver flagged as damaged). The device is fine: skip the frame and read
// the next.
var ErrBadFrame = errors.New("corrupt frame")

// PixelFormat is a V4L2 fourcc.
type PixelFormat uint32

// The formats this package decodes.
const (
	MJPEG PixelFormat = 'M' | 'J'<<8 | 'P'<<16 | 'G'<<24
	YUYV  PixelFormat = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
)

func (p PixelFormat) String() string {
	b := []byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)}
	for _, c := range b {
		if c < ' ' || c > '~' {
			return fmt.Sprintf("PixelFormat(%#x)", uint32(p))
		}
	}
	return string(b)
}

// Config says which device to open and what to ask of it.
type Config struct {
	Device  string        // e.g. /dev/video0
	Width   int           // requested frame size; the driver picks the nearest
	Height  int           //
	Format  []PixelFormat // in order of preference; default MJPEG then YUYV
	Buffers int           // mmap ring size, default 4
}

func (c Config) withDefaults() (Config, error) {
	if c.Device == "" {
		return c, fmt.Errorf("v4l2: no device given")
	}
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = 640, 480
	}
	if c.Width <= 0 || c.Height <= 0 || c.Width > 8192 || c.Height > 8192 {
		return c, fmt.Errorf("v4l2 %s: frame size %dx%d: want 1..8192 each", c.Device, c.Width, c.Height)
	}
	if len(c.Format) == 0 {
		c.Format = []PixelFormat{MJPEG, YUYV}
	}
	for _, f := range c.Format {
		if f != MJPEG && f != YUYV {
			return c, fmt.Errorf("v4l2 %s: format %v: only MJPG and YUYV are decoded", c.Device, f)
		}
	}
	if c.Buffers == 0 {
		c.Buffers = 4
	}
	if c.Buffers < 2 || c.Buffers > 32 {
		return c, fmt.Errorf("v4l2 %s: %d buffers: want 2..32", c.Device, c.Buffers)
	}
	return c, nil
}
