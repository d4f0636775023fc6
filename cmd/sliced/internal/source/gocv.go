//go:build gocv

package source

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/device/avi"
	"github.com/sliced-ai/sliced/device/camera"
)

// OpenCV reads devices and GStreamer pipelines, and the videos the pure-Go
// reader (video.go) declines: other containers and AVIs that are not MJPEG.
func init() {
	Register("device", openCamera)
	Register("gstreamer", openCamera)
	Register("video", func(c config.Source, maxPixels int64) (Source, error) {
		if strings.EqualFold(filepath.Ext(c.Path), ".avi") {
			if _, err := avi.Open(c.Path); !errors.Is(err, avi.ErrNotMJPEG) {
				return nil, &Declined{Reason: fmt.Sprintf("video %s: an MJPEG .avi file or none", c.Path)}
			}
		}
		return openCamera(c, maxPixels)
	})
}

// openCamera checks c; the capture is made at every Open.
func openCamera(c config.Source, _ int64) (Source, error) {
	cfg := camera.Config{Kind: c.Kind, Path: c.Path, Loop: c.Loop, Width: c.Width, Height: c.Height}
	if _, err := camera.New(cfg); err != nil {
		return nil, err
	}
	s := &cameraSource{cfg: cfg}
	if c.Kind == "video" {
		s.fps = c.FPS // devices and pipelines deliver at their own rate
	}
	return s, nil
}

// cameraSource adapts a camera to Source. Its frames are grey unless
// SetColor's function asks for colour.
type cameraSource struct {
	cfg   camera.Config
	fps   float64
	color func() bool
	c     *camera.Capture
}

// SetColor implements Colorer: OpenCV's BGR frames are kept as colour
// (*image.RGBA) while want says so.
func (s *cameraSource) SetColor(want func() bool) { s.color = want }

// Open starts a capture with a pacer of its own: a capture abandoned while
// it hung can still be reading when the next one starts.
func (s *cameraSource) Open(ctx context.Context) error {
	cfg := s.cfg
	cfg.Color = s.color
	if s.fps > 0 {
		p := NewPacer(s.fps)
		cfg.Pace = p.Wait
	}
	c, err := camera.New(cfg)
	if err != nil {
		return err
	}
	if err := c.Open(ctx); err != nil {
		return err
	}
	s.c = c
	return nil
}

func (s *cameraSource) Close() error {
	if s.c == nil {
		return nil
	}
	err := s.c.Close()
	s.c = nil
	return err
}

func (s *cameraSource) Next(ctx context.Context) (Frame, error) {
	if s.c == nil {
		return Frame{}, errors.New("camera: not open")
	}
	f, err := s.c.Next(ctx)
	if errors.Is(err, camera.ErrBadFrame) {
		return Frame{}, &FrameError{Err: err}
	}
	if err != nil {
		return Frame{}, err
	}
	return Frame{Image: f.Image, Time: f.Time, Capture: f.Work}, nil
}
