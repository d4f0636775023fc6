//go:build linux && !gocv

package source

import (
	"context"
	"errors"
	"image"
	"strconv"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/device/v4l2"
)

// The gocv build reads devices with OpenCV instead (gocv.go).
func init() { Register("device", openV4L2) }

// openV4L2 makes a "device" source read in pure Go (device/v4l2): the
// camera of builds without OpenCV, such as the static arm64 binary.
func openV4L2(c config.Source, _ int64) (Source, error) {
	path := c.Path
	if _, err := strconv.Atoi(path); err == nil {
		path = "/dev/video" + path
	}
	return &v4l2Source{cfg: v4l2.Config{Device: path, Width: c.Width, Height: c.Height}, open: openV4L2Device}, nil
}

// v4l2Camera is what the source needs of a *v4l2.Device.
type v4l2Camera interface {
	Read(ctx context.Context, color bool) (image.Image, time.Time, error)
	Format() (width, height int, pix v4l2.PixelFormat)
	Close() error
}

func openV4L2Device(c v4l2.Config) (v4l2Camera, error) { return v4l2.Open(c) }

// v4l2Source adapts a v4l2.Device to Source. Its frames are the luma
// alone unless SetColor's function asks for colour.
type v4l2Source struct {
	cfg   v4l2.Config
	open  func(v4l2.Config) (v4l2Camera, error)
	color func() bool
	dev   v4l2Camera
}

// SetColor implements Colorer: frames are *image.YCbCr while want says so
// (a YUYV frame unpacked, an MJPEG frame as decoded).
func (s *v4l2Source) SetColor(want func() bool) { s.color = want }

func (s *v4l2Source) Open(context.Context) error {
	d, err := s.open(s.cfg)
	if err != nil {
		return err
	}
	s.dev = d
	return nil
}

func (s *v4l2Source) Next(ctx context.Context) (Frame, error) {
	img, at, err := s.dev.Read(ctx, s.color != nil && s.color())
	if errors.Is(err, v4l2.ErrBadFrame) {
		// One corrupt frame (a USB glitch): counted and skipped by the
		// Runner; the camera streams on without a reopen.
		return Frame{}, &FrameError{Err: err}
	}
	if err != nil {
		return Frame{}, err
	}
	// A grey YUYV frame lives in the device's buffer until the next call;
	// the pipeline and the live view keep frames longer.
	if g, ok := img.(*image.Gray); ok {
		if _, _, pix := s.dev.Format(); pix == v4l2.YUYV {
			img = &image.Gray{Pix: append([]uint8(nil), g.Pix...), Stride: g.Stride, Rect: g.Rect}
		}
	}
	return Frame{Image: img, Time: at}, nil
}

func (s *v4l2Source) Close() error {
	if s.dev == nil {
		return nil
	}
	err := s.dev.Close()
	s.dev = nil
	return err
}
