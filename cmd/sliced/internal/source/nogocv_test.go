//go:build !gocv

package source

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

// Without OpenCV: dir, rtsp (MJPEG), upload, video (MJPEG .avi) and on
// Linux device (V4L2), one reader each.
func TestKindsWithoutGoCV(t *testing.T) {
	want := []string{"dir", "rtsp", "upload", "video"}
	if runtime.GOOS == "linux" {
		want = append(want, "device")
	}
	slices.Sort(want)
	if got := Kinds(); !slices.Equal(got, want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
	for _, k := range want {
		if n := len(readers[k]); n != 1 {
			t.Errorf("kind %s has %d readers, want 1", k, n)
		}
	}
}

// Videos other than MJPEG .avi files are refused, naming the gocv tag.
func TestVideoWithoutGoCV(t *testing.T) {
	h264 := filepath.Join(t.TempDir(), "h264.avi")
	writeH264(t, h264)
	for _, path := range []string{"clip.mp4", h264} {
		_, err := Open(config.Source{Name: "v", Kind: "video", Path: path}, 0)
		if err == nil || !strings.Contains(err.Error(), "video "+path) || !strings.Contains(err.Error(), "built without the gocv tag") {
			t.Errorf("%s: %v", path, err)
		}
	}
}
