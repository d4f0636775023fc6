package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/device/avi"
)

func init() { Register("video", openVideo) }

// openVideo reads .avi files in pure Go in every build: MJPEG decodes at
// OpenCV's rate and without its memory. It declines
// other containers, and an .avi file that is there and not MJPEG (an H.264
// AVI), for OpenCV (gocv.go) to read; a missing file is its, retried until
// it appears.
func openVideo(c config.Source, maxPixels int64) (Source, error) {
	if !strings.EqualFold(filepath.Ext(c.Path), ".avi") {
		return nil, &Declined{Reason: fmt.Sprintf("video %s: not an .avi file", c.Path)}
	}
	if f, err := avi.Open(c.Path); err == nil {
		f.Close()
	} else if errors.Is(err, avi.ErrNotMJPEG) {
		return nil, &Declined{Reason: fmt.Sprintf("video %s: %v", c.Path, err)}
	}
	return &Video{Path: c.Path, Loop: c.Loop, FPS: c.FPS, MaxPixels: maxPixels}, nil
}

// Video reads an MJPEG AVI file in pure Go (device/avi): the video
// source of builds without OpenCV, and of every build for .avi files.
// Frames are the JPEG decoder's own images, *image.YCbCr (or *image.Gray
// for a grey JPEG): a gray engine reads the Y plane as is and an RGB
// engine converts only its regions, so neither pays for the other. Like OpenCV's video source it reads as
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
	pace Pacer
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
	v.f, v.size, v.pace = f, st.Size(), NewPacer(v.FPS)
	return nil
}

// Next implements Source.
func (v *Video) Next(ctx context.Context) (Frame, error) {
	if v.f == nil {
		return Frame{}, errors.New("video: not open")
	}
	if !v.pace.Wait(ctx.Done()) {
		return Frame{}, ctx.Err()
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
	now := time.Now()
	return Frame{Image: m, Time: now, Capture: now.Sub(t0)}, nil
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
