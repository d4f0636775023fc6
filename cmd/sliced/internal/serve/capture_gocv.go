//go:build gocv

package serve

import (
	"context"
	"errors"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/device/camera"
)

func init() {
	openCVVideo = true
	openCapture = func(c config.Source) (source.Source, error) {
		cam, err := camera.New(camera.Config{Kind: c.Kind, Path: c.Path, Loop: c.Loop, FPS: c.FPS, Width: c.Width, Height: c.Height})
		if err != nil {
			return nil, err
		}
		return captureSource{cam}, nil
	}
}

// captureSource adapts a camera to source.Source.
type captureSource struct{ c *camera.Capture }

func (s captureSource) Open(ctx context.Context) error { return s.c.Open(ctx) }
func (s captureSource) Close() error                   { return s.c.Close() }
func (s captureSource) Next(ctx context.Context) (source.Frame, error) {
	f, err := s.c.Next(ctx)
	if errors.Is(err, camera.ErrBadFrame) {
		return source.Frame{}, &source.FrameError{Err: err}
	}
	if err != nil {
		return source.Frame{}, err
	}
	return source.Frame{Image: f.Image, Time: f.Time, Capture: f.Work}, nil
}
