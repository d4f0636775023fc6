package source

import (
	"context"
	"image"
	"time"
)

// Frame is one captured image.
type Frame struct {
	Image image.Image
	Time  time.Time // when it was captured
	Seq   uint64    // per-source sequence number, set by Runner
	Name  string    // the file a folder source read, for logs and the live view
	// Capture is the work of getting the frame (read, decode, convert),
	// when the source can tell it apart from waiting for the frame; 0
	// makes the Runner report the whole time spent in Next.
	Capture time.Duration
}

// Source yields frames. Next blocks until a frame, the end (io.EOF), an
// error, or ctx is done; it must return promptly when ctx is done. A Source
// is used by one goroutine at a time.
type Source interface {
	Open(ctx context.Context) error
	Next(ctx context.Context) (Frame, error)
	Close() error
}

// Colorer is a Source that gives the luma alone unless asked for colour,
// because converting costs it work a gray engine does not need (OpenCV's
// BGR frames, a camera's YUYV). want is asked per frame, from the
// source's goroutine, so an engine swap changes what the next frame is;
// SetColor is called before Open. Sources that are not Colorers give
// what they decode: MJPEG video and RTSP frames are *image.YCbCr, whose Y
// plane a gray engine reads as is.
type Colorer interface {
	SetColor(want func() bool)
}
