//go:build linux && !gocv

package source

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/device/v4l2"
)

// fakeCamera yields frames, with a corrupt one every third call, and ends
// the test after n frames.
type fakeCamera struct {
	calls, frames, n int
	done             func()
}

func (c *fakeCamera) Read(ctx context.Context, color bool) (image.Image, time.Time, error) {
	c.calls++
	if c.calls%3 == 0 {
		return nil, time.Now(), fmt.Errorf("v4l2 /dev/video0: mjpeg: %w: unexpected EOF", v4l2.ErrBadFrame)
	}
	c.frames++
	if c.frames == c.n {
		c.done()
	}
	return image.NewGray(image.Rect(0, 0, 8, 8)), time.Now(), nil
}

func (c *fakeCamera) Format() (int, int, v4l2.PixelFormat) { return 8, 8, v4l2.MJPEG }
func (c *fakeCamera) Close() error                         { return nil }

// A corrupt frame is skipped and counted as a frame error; the camera is
// not reopened.
func TestV4L2SourceSkipsBadFrames(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opens := 0
	cam := &fakeCamera{n: 20, done: cancel}
	src := &v4l2Source{cfg: v4l2.Config{Device: "/dev/video0"}, open: func(v4l2.Config) (v4l2Camera, error) {
		opens++
		return cam, nil
	}}
	obs := &record{}
	r := &Runner{Source: src, Watchdog: time.Second, Observer: obs, Emit: func(Frame) {}}
	r.Run(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the source stopped delivering")
	}
	g := obs.get()
	if opens != 1 || len(g.reasons) != 0 {
		t.Fatalf("%d opens, reconnects %v: a corrupt frame reopened the camera", opens, g.reasons)
	}
	// The last frame ends the test before the Runner delivers it.
	if g.bad != cam.calls/3 || g.frames != cam.n-1 {
		t.Fatalf("%d frame errors, %d frames; want %d and %d", g.bad, g.frames, cam.calls/3, cam.n-1)
	}
}

// A device given as an index is /dev/videoN.
func TestV4L2Index(t *testing.T) {
	s, err := Open(config.Source{Name: "cam", Kind: "device", Path: "2"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.(*v4l2Source).cfg.Device; d != "/dev/video2" {
		t.Errorf("device %q, want /dev/video2", d)
	}
}

// colorCamera records what each read asked for.
type colorCamera struct{ asked []bool }

func (c *colorCamera) Read(_ context.Context, color bool) (image.Image, time.Time, error) {
	c.asked = append(c.asked, color)
	if color {
		return image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio422), time.Now(), nil
	}
	return image.NewGray(image.Rect(0, 0, 8, 8)), time.Now(), nil
}

func (c *colorCamera) Format() (int, int, v4l2.PixelFormat) { return 8, 8, v4l2.YUYV }
func (c *colorCamera) Close() error                         { return nil }

// SetColor's function is asked at every frame: an engine swap changes
// what the next frame is, without a reopen.
func TestV4L2SourceColorPerFrame(t *testing.T) {
	cam := &colorCamera{}
	src := &v4l2Source{open: func(v4l2.Config) (v4l2Camera, error) { return cam, nil }}
	var c Colorer = src // the pipelines find it so
	want := true
	c.SetColor(func() bool { return want })
	ctx := context.Background()
	if err := src.Open(ctx); err != nil {
		t.Fatal(err)
	}
	f, _ := src.Next(ctx)
	if _, ok := f.Image.(*image.YCbCr); !ok {
		t.Fatalf("colour asked, got %T", f.Image)
	}
	want = false
	if f, _ = src.Next(ctx); f.Image.ColorModel() != color.GrayModel {
		t.Fatalf("grey asked, got %T", f.Image)
	}
	if fmt.Sprint(cam.asked) != "[true false]" {
		t.Fatalf("reads asked %v", cam.asked)
	}
}
