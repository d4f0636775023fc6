package source

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/device/avi"
)

// writeVideo writes an MJPEG AVI of n 32x24 frames, frame i of grey 40*i,
// encoded as colour JPEGs when color is set.
func writeVideo(t *testing.T, path string, n int, color bool) {
	t.Helper()
	var fr [][]byte
	for i := range n {
		var m image.Image
		g := image.NewGray(image.Rect(0, 0, 32, 24))
		for j := range g.Pix {
			g.Pix[j] = uint8(40 * i)
		}
		m = g
		if color {
			c := image.NewRGBA(g.Rect)
			for j := range g.Pix {
				copy(c.Pix[4*j:], []byte{g.Pix[j], g.Pix[j], g.Pix[j], 255})
			}
			m = c
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		fr = append(fr, b.Bytes())
	}
	var b bytes.Buffer
	if err := synth.WriteAVI(&b, fr, 32, 24, 10); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// shade is the grey of a frame's first pixel: a grey JPEG decodes to
// *image.Gray, a colour one to *image.YCbCr, kept as decoded.
func shade(t *testing.T, f Frame) int {
	t.Helper()
	switch m := f.Image.(type) {
	case *image.Gray:
		return int(m.Pix[0])
	case *image.YCbCr:
		return int(m.Y[0])
	}
	t.Fatalf("frame is %T, want *image.Gray or *image.YCbCr", f.Image)
	return 0
}

func TestVideoOnceAndLoop(t *testing.T) {
	for _, color := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "clip.avi")
		writeVideo(t, path, 3, color)
		ctx := context.Background()
		v := &Video{Path: path, MaxPixels: 1 << 20}
		if err := v.Open(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			f, err := v.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s := shade(t, f); s < 40*i-3 || s > 40*i+3 {
				t.Errorf("color %v frame %d: grey %d, want about %d", color, i, s, 40*i)
			}
			if f.Capture <= 0 {
				t.Errorf("frame %d: no capture time", i)
			}
		}
		if _, err := v.Next(ctx); !errors.Is(err, io.EOF) {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
		v.Close()

		v.Loop = true
		if err := v.Open(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 7 {
			f, err := v.Next(ctx)
			if err != nil {
				t.Fatalf("frame %d of a looping 3-frame video: %v", i, err)
			}
			if s, want := shade(t, f), 40*(i%3); s < want-3 || s > want+3 {
				t.Errorf("looping frame %d: grey %d, want about %d", i, s, want)
			}
		}
		v.Close()
	}
}

func TestVideoRemovedWhileLooping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.avi")
	writeVideo(t, path, 2, false)
	ctx := context.Background()
	v := &Video{Path: path, Loop: true, MaxPixels: 1 << 20}
	if err := v.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	os.Remove(path)
	var err error
	for range 3 {
		if _, err = v.Next(ctx); err != nil {
			break
		}
	}
	if err == nil || errors.Is(err, io.EOF) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("looping past a removed file: %v, want a not-exist error", err)
	}
	if err := (&Video{Path: path}).Open(ctx); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("opening a missing file: %v", err)
	}
}

func TestVideoPacesAndRefusesOtherCodecs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.avi")
	writeVideo(t, path, 3, false)
	ctx := context.Background()
	v := &Video{Path: path, FPS: 50, MaxPixels: 1 << 20}
	if err := v.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for range 3 {
		if _, err := v.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(t0); d < 35*time.Millisecond {
		t.Errorf("3 frames at 50 fps took %v, want at least 40 ms", d)
	}
	v.Close()

	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.ReplaceAll(data, []byte("MJPG"), []byte("H264")), 0o644)
	if err := v.Open(ctx); !errors.Is(err, avi.ErrNotMJPEG) {
		t.Fatalf("an H.264 AVI: %v, want avi.ErrNotMJPEG", err)
	}
}

// A colour MJPEG video's frames keep their colour: the decoder's YCbCr
// image, whose Y plane is also what a gray engine reads.
func TestVideoKeepsColour(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := 0; i < len(m.Pix); i += 4 {
		copy(m.Pix[i:], []byte{200, 30, 40, 255})
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := synth.WriteAVI(&b, [][]byte{j.Bytes()}, 32, 24, 10); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "red.avi")
	os.WriteFile(path, b.Bytes(), 0o644)
	v := &Video{Path: path, MaxPixels: 1 << 20}
	ctx := context.Background()
	if err := v.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	f, err := v.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	y, ok := f.Image.(*image.YCbCr)
	if !ok {
		t.Fatalf("frame is %T, want *image.YCbCr", f.Image)
	}
	if r, g, bl, _ := y.At(5, 5).RGBA(); r>>8 < 185 || g>>8 > 50 || bl>>8 > 60 {
		t.Fatalf("red frame reads %d %d %d", r>>8, g>>8, bl>>8)
	}
}
