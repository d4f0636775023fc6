package source

import (
	"context"
	"image"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

func init() {
	Register("upload", func(config.Source, int64) (Source, error) { return NewUpload(), nil })
}

// Upload is a source fed by HTTP: Push hands it an image and Next yields
// it. When frames arrive faster than they are taken, the older is dropped
// and counted by Push's result.
type Upload struct {
	ch chan Frame
}

// NewUpload makes an upload source.
func NewUpload() *Upload { return &Upload{ch: make(chan Frame, 1)} }

// Push offers a frame; it reports false when it replaced one not yet taken.
func (u *Upload) Push(m image.Image) bool {
	f := Frame{Image: m, Time: time.Now()}
	select {
	case u.ch <- f:
		return true
	default:
	}
	select { // full: drop the waiting frame, keep the newest
	case <-u.ch:
	default:
	}
	select {
	case u.ch <- f:
	default:
	}
	return false
}

// Open implements Source.
func (u *Upload) Open(context.Context) error { return nil }

// Next implements Source.
func (u *Upload) Next(ctx context.Context) (Frame, error) {
	select {
	case f := <-u.ch:
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

// Close implements Source.
func (u *Upload) Close() error { return nil }
