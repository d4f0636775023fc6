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
