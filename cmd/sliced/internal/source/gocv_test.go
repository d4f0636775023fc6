//go:build gocv

package source

import (
	"context"
	"image"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/models"
)

// With OpenCV every config kind is read; video by two readers.
func TestKindsWithGoCV(t *testing.T) {
	if got := Kinds(); !slices.Equal(got, []string{"device", "dir", "gstreamer", "rtsp", "upload", "video"}) {
		t.Fatalf("kinds %v", got)
	}
	for k, want := range map[string]int{"device": 1, "dir": 1, "gstreamer": 1, "upload": 1, "video": 2} {
		if n := len(readers[k]); n != want {
			t.Errorf("kind %s has %d readers, want %d", k, n, want)
		}
	}
}

// MJPEG .avi files, and missing ones, are read in pure Go; other videos
// and the other kinds by OpenCV.
func TestReadersWithGoCV(t *testing.T) {
	dir := t.TempDir()
	mjpeg, h264 := filepath.Join(dir, "clip.avi"), filepath.Join(dir, "h264.avi")
	writeVideo(t, mjpeg, 2, false)
	writeH264(t, h264)
	for _, c := range []struct {
		kind, path string
		pureGo     bool
	}{
		{"video", mjpeg, true}, {"video", filepath.Join(dir, "later.avi"), true},
		{"video", h264, false}, {"video", "clip.mp4", false},
		{"device", "/dev/video0", false}, {"gstreamer", "videotestsrc ! appsink", false},
	} {
		s, err := Open(config.Source{Name: "s", Kind: c.kind, Path: c.path, FPS: 10}, 1<<20)
		if err != nil {
			t.Errorf("%s %s: %v", c.kind, c.path, err)
			continue
		}
		_, isVideo := s.(*Video)
		cam, isCamera := s.(*cameraSource)
		if isVideo != c.pureGo || isCamera == c.pureGo {
			t.Errorf("%s %s: %T", c.kind, c.path, s)
		}
		// Only video files are paced; devices and pipelines keep their rate.
		if isCamera && (cam.fps > 0) != (c.kind == "video") {
			t.Errorf("%s %s: fps %v", c.kind, c.path, cam.fps)
		}
	}
}

// BenchmarkVideoPipeline is BenchmarkAVIPipeline with OpenCV reading the
// demo video. Run with -cpu 1 for one core.
func BenchmarkVideoPipeline(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	src, err := openCamera(config.Source{Name: "bench", Kind: "video", Path: demoVideo, Loop: true}, 1<<24)
	if err != nil {
		b.Fatal(err)
	}
	benchPipeline(b, src, e)
}

// OpenCV's frames are colour while the Colorer's function asks: an RGB
// engine on a device, a pipeline or a video OpenCV reads gets the BGR
// frame as RGBA, a gray engine the luma.
func TestCameraSourceColor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "red.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, 64, 48, true)
	if err != nil {
		t.Fatal(err)
	}
	m := gocv.NewMatWithSize(48, 64, gocv.MatTypeCV8UC3)
	m.SetTo(gocv.NewScalar(30, 40, 200, 0)) // BGR: red
	for range 4 {
		vw.Write(m)
	}
	vw.Close()
	m.Close()
	for _, color := range []bool{true, false} {
		s, err := openCamera(config.Source{Name: "s", Kind: "video", Path: path}, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		s.(Colorer).SetColor(func() bool { return color })
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.Open(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := s.Next(ctx)
		s.Close()
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		switch img := f.Image.(type) {
		case *image.RGBA:
			if p := img.RGBAAt(10, 10); !color || p.R < 170 || p.G > 70 || p.B > 70 {
				t.Fatalf("colour %v: RGBA frame, pixel %v", color, p)
			}
		case *image.Gray:
			if color {
				t.Fatal("colour asked, grey frame")
			}
		default:
			t.Fatalf("frame %T", f.Image)
		}
	}
}
