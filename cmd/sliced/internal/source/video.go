package source

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/device/avi"
)

// Video reads an MJPEG AVI file in pure Go (device/avi), decoding each
// frame straight to grey: the video source of builds without OpenCV, and
// of every build for .avi files. Like OpenCV's video source it reads as
// fast as it decodes unless FPS is set (the file's own rate is not
// applied), starts again at the end when Loop is set and ends with io.EOF
// otherwise. A looping source that finds its path removed or replaced at
// the end of a pass fails, so the Runner reopens it (the new file) or
// retries until it returns.
type Video struct {
	Path      string
	Loop      bool
	FPS       float64 // 0: as fast as frames decode
	MaxPixels int64

	f    *avi.File
	size int64 // of the file at Open: a rewrite in place changes it
	next time.Time
}

// Open implements Source.
func (v *Video) Open(context.Context) error {
	f, err := avi.Open(v.Path)
	if err != nil {
		return fmt.Errorf("video %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	v.f, v.size, v.next = f, st.Size(), time.Time{}
	return nil
}

// Next implements Source.
func (v *Video) Next(ctx context.Context) (Frame, error) {
	if v.f == nil {
		return Frame{}, errors.New("video: not open")
	}
	if err := v.pace(ctx); err != nil {
		return Frame{}, err
	}
	t0 := time.Now()
	data, err := v.f.Next()
	if errors.Is(err, io.EOF) && v.Loop {
		if err := v.sameFile(); err != nil {
			return Frame{}, err
		}
		v.f.Rewind()
		data, err = v.f.Next()
	}
	if errors.Is(err, avi.ErrBadFrame) {
		return Frame{}, &FrameError{Err: fmt.Errorf("%s: %w", v.Path, err)}
	}
	if err != nil {
		return Frame{}, err // io.EOF, or the file failed
	}
	m, _, err := prep.Decode(data, v.MaxPixels)
	if err != nil {
		return Frame{}, &FrameError{Err: fmt.Errorf("%s: frame: %w", v.Path, err)}
	}
	if y, ok := m.(*image.YCbCr); ok {
		// JPEG's Y plane is the grey image: no conversion, no copy.
		m = &image.Gray{Pix: y.Y, Stride: y.YStride, Rect: y.Rect}
	}
	now := time.Now()
	return Frame{Image: m, Time: now, Capture: now.Sub(t0)}, nil
}

// pace waits for the next frame's time when FPS is set.
func (v *Video) pace(ctx context.Context) error {
	if v.FPS <= 0 {
		return nil
	}
	if wait := time.Until(v.next); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	v.next = time.Now().Add(time.Duration(float64(time.Second) / v.FPS))
	return nil
}

// sameFile fails when Path no longer names the open file.
func (v *Video) sameFile() error {
	open, err := v.f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(v.Path)
	if err != nil {
		return fmt.Errorf("video %w", err)
	}
	if !os.SameFile(open, now) || now.Size() != v.size {
		return fmt.Errorf("video %s: replaced; reopening", v.Path)
	}
	return nil
}

// Close implements Source.
func (v *Video) Close() error {
	if v.f == nil {
		return nil
	}
	err := v.f.Close()
	v.f = nil
	return err
}
