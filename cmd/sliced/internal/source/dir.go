package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

func init() {
	Register("dir", func(c config.Source, maxPixels int64) (Source, error) {
		return &Dir{Path: c.Path, Loop: c.Loop, FPS: c.FPS, MaxPixels: maxPixels}, nil
	})
}

// Dir reads the images of a folder in name order: once (then io.EOF) or
// looping. The listing is read at Open, so files added later are seen on
// the next pass of a looping source.
type Dir struct {
	Path      string
	Loop      bool
	FPS       float64 // 0: as fast as they decode
	MaxPixels int64

	files []string
	i     int
	pace  Pacer
}

var imageExt = []string{".png", ".jpg", ".jpeg", ".pgm"}

// Open implements Source.
func (d *Dir) Open(context.Context) error {
	if err := d.list(); err != nil {
		return err
	}
	d.i, d.pace = 0, NewPacer(d.FPS)
	return nil
}

func (d *Dir) list() error {
	ents, err := os.ReadDir(d.Path)
	if err != nil {
		return err
	}
	d.files = d.files[:0]
	for _, e := range ents {
		if !e.IsDir() && slices.Contains(imageExt, strings.ToLower(filepath.Ext(e.Name()))) {
			d.files = append(d.files, filepath.Join(d.Path, e.Name()))
		}
	}
	if len(d.files) == 0 {
		return fmt.Errorf("dir %s: no .png, .jpg or .pgm images", d.Path)
	}
	return nil
}

// Next implements Source.
func (d *Dir) Next(ctx context.Context) (Frame, error) {
	if d.i == len(d.files) {
		if !d.Loop {
			return Frame{}, io.EOF
		}
		if err := d.list(); err != nil {
			return Frame{}, err
		}
		d.i = 0
	}
	if !d.pace.Wait(ctx.Done()) {
		return Frame{}, ctx.Err()
	}
	path := d.files[d.i]
	d.i++
	data, err := os.ReadFile(path)
	if err != nil {
		return Frame{}, err
	}
	m, _, err := prep.Decode(data, d.MaxPixels)
	if err != nil {
		return Frame{}, &FrameError{Err: fmt.Errorf("%s: %w", path, err)}
	}
	return Frame{Image: m, Time: time.Now(), Name: filepath.Base(path)}, nil
}

// Close implements Source.
func (d *Dir) Close() error { return nil }

// FrameError is a bad frame (an undecodable file): it is counted and
// skipped without reopening the source.
type FrameError struct{ Err error }

func (e *FrameError) Error() string { return e.Err.Error() }
func (e *FrameError) Unwrap() error { return e.Err }

// IsFrameError reports whether err spoils one frame only.
func IsFrameError(err error) bool {
	var fe *FrameError
	return errors.As(err, &fe)
}
