//go:build gocv

package source

import (
	"path/filepath"
	"slices"
	"testing"

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
