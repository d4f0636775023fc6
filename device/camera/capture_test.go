//go:build gocv

package camera

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// WriteDigitVideo writes n 640x480 frames, digit i%10 dark on light paper,
// as an MJPEG AVI (OpenCV's built-in writer, no codec library needed).
func writeDigitVideo(t testing.TB, path string, n int) {
	t.Helper()
	vw, err := gocv.VideoWriterFile(path, "MJPG", 30, 640, 480, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	m := gocv.NewMatWithSize(480, 640, gocv.MatTypeCV8UC3)
	defer m.Close()
	for i := 0; i < n; i++ {
		m.SetTo(gocv.NewScalar(215, 215, 215, 0))
		gocv.PutText(&m, strconv.Itoa(i%10), image.Pt(200+i%7*20, 330), gocv.FontHersheySimplex, 6, color.RGBA{30, 30, 30, 0}, 18)
		if err := vw.Write(m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVideoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digits.avi")
	writeDigitVideo(t, path, 12)
	c, err := New(Config{Kind: "video", Path: path})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := 0
	for {
		f, err := c.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		g, ok := f.Image.(*image.Gray)
		if !ok {
			t.Fatalf("frame %d is %T, want *image.Gray without Color", n, f.Image)
		}
		if g.Rect.Dx() != 640 || g.Rect.Dy() != 480 || f.Time.IsZero() || f.Work <= 0 {
			t.Fatalf("frame %d: %v at %v after %v", n, g.Rect, f.Time, f.Work)
		}
		// Paper light, ink dark: the corner is paper, the digit's centre ink.
		if g.GrayAt(5, 5).Y < 180 {
			t.Fatalf("frame %d: corner %d, want light paper", n, g.GrayAt(5, 5).Y)
		}
		n++
	}
	if n != 12 {
		t.Fatalf("read %d frames, wrote 12", n)
	}
}

// Colour is asked per frame: the same capture gives RGBA frames while it
// is wanted and grey ones after, from raw MJPEG packets and decoded BGR
// frames alike.
func TestVideoColorPerFrame(t *testing.T) {
	path := filepath.Join(t.TempDir(), "red.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 30, 64, 48, true)
	if err != nil {
		t.Fatal(err)
	}
	m := gocv.NewMatWithSize(48, 64, gocv.MatTypeCV8UC3)
	m.SetTo(gocv.NewScalar(30, 40, 200, 0)) // BGR: red
	const frames = 8
	for range frames {
		vw.Write(m)
	}
	vw.Close()
	m.Close()
	var color atomic.Bool
	color.Store(true)
	c, _ := New(Config{Kind: "video", Path: path, Color: color.Load})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var rgba, gray int
	for i := 0; ; i++ {
		f, err := c.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch img := f.Image.(type) {
		case *image.RGBA:
			if p := img.RGBAAt(10, 10); p.R < 170 || p.B > 70 || p.G > 70 {
				t.Fatalf("frame %d: %v, want red", i, p)
			}
			rgba++
		case *image.Gray:
			gray++
		default:
			t.Fatalf("frame %d is %T", i, f.Image)
		}
		// The reader may be two frames ahead (one waiting in the channel,
		// one converted and waiting to be sent): the switch shows two
		// frames later at most.
		color.Store(i < 2)
	}
	if rgba < 3 || gray < frames-3-2 {
		t.Fatalf("%d colour and %d grey frames of %d, colour wanted for the first three and grey from the sixth on", rgba, gray, frames)
	}
}

func TestVideoLoopsAndCloses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digits.avi")
	writeDigitVideo(t, path, 3)
	c, _ := New(Config{Kind: "video", Path: path, Loop: true})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Open(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if _, err := c.Next(ctx); err != nil {
			t.Fatalf("frame %d of a looping 3-frame video: %v", i, err)
		}
	}
	c.Close()
	c.Close() // idempotent
	if _, err := c.Next(ctx); err == nil {
		t.Fatal("Next after Close succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := New(Config{Kind: "webcam", Path: "x"}); err == nil {
		t.Fatal("unknown kind accepted")
	}
	c, _ := New(Config{Kind: "video", Path: filepath.Join(t.TempDir(), "missing.avi")})
	if err := c.Open(context.Background()); err == nil {
		t.Fatal("a missing file opened")
	}
	c, _ = New(Config{Kind: "device", Path: "/dev/video99"})
	if err := c.Open(context.Background()); err == nil {
		t.Fatal("a missing device opened")
	}
}

// BenchmarkVideoRead is capture alone: decode a 640x480 MJPEG frame and
// convert it to grey.
func BenchmarkVideoRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "digits.avi")
	writeDigitVideo(b, path, 60)
	c, _ := New(Config{Kind: "video", Path: path, Loop: true})
	ctx := context.Background()
	if err := c.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Next(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// Pace runs before every read, and its refusal stops the reader.
func TestVideoPace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digits.avi")
	writeDigitVideo(t, path, 3)
	var calls atomic.Int64
	c, _ := New(Config{Kind: "video", Path: path, Loop: true, Pace: func(done <-chan struct{}) bool {
		return calls.Add(1) <= 4
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 4 {
		if _, err := c.Next(ctx); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	short, stop := context.WithTimeout(ctx, 200*time.Millisecond)
	defer stop()
	if _, err := c.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a fifth frame after Pace refused: %v", err)
	}
	if n := calls.Load(); n != 5 {
		t.Fatalf("Pace called %d times for 4 frames and a refusal", n)
	}
}
