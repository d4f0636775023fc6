package source

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

// Every kind a build reads is a config kind, and every config kind is
// read here or named with what reads it.
func TestKindsMatchConfig(t *testing.T) {
	for _, k := range Kinds() {
		if !slices.Contains(config.Kinds, k) {
			t.Errorf("kind %s is registered but not in config.Kinds", k)
		}
	}
	for _, k := range config.Kinds {
		if _, ok := needs[k]; len(readers[k]) == 0 && !ok {
			t.Errorf("config kind %s is neither registered nor in needs", k)
		}
	}
}

func TestOpenUnknownKind(t *testing.T) {
	_, err := Open(config.Source{Name: "w", Kind: "webcam", Path: "x"}, 0)
	if err == nil || !strings.Contains(err.Error(), `kind "webcam" is not one of`) {
		t.Fatalf("err %v", err)
	}
}

// A kind the build lacks says what reads it, the build tag, and the kinds
// there are.
func TestOpenMissingKind(t *testing.T) {
	saved := readers["gstreamer"]
	delete(readers, "gstreamer")
	defer func() {
		if saved != nil {
			readers["gstreamer"] = saved
		}
	}()
	_, err := Open(config.Source{Name: "g", Kind: "gstreamer", Path: "videotestsrc ! appsink"}, 0)
	if err == nil {
		t.Fatal("a missing kind opened")
	}
	for _, want := range []string{"source g: kind gstreamer needs OpenCV", "built without the gocv tag", "its kinds: ", "dir, rtsp, upload, video"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// Each kind makes its own source from the configuration.
func TestOpenPureGoKinds(t *testing.T) {
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.avi")
	writeVideo(t, clip, 2, false)
	s, err := Open(config.Source{Name: "d", Kind: "dir", Path: dir, Loop: true, FPS: 5}, 7)
	if d, ok := s.(*Dir); err != nil || !ok || d.Path != dir || !d.Loop || d.FPS != 5 || d.MaxPixels != 7 {
		t.Errorf("dir: %#v, %v", s, err)
	}
	s, err = Open(config.Source{Name: "u", Kind: "upload"}, 7)
	if _, ok := s.(*Upload); err != nil || !ok {
		t.Errorf("upload: %#v, %v", s, err)
	}
	for _, path := range []string{clip, filepath.Join(dir, "later.AVI")} {
		s, err = Open(config.Source{Name: "v", Kind: "video", Path: path, FPS: 3}, 7)
		if v, ok := s.(*Video); err != nil || !ok || v.Path != path || v.FPS != 3 {
			t.Errorf("MJPEG or missing .avi %s: %#v, %v", path, s, err)
		}
	}
}

// writeH264 writes an AVI that says its video is H.264.
func writeH264(t *testing.T, path string) {
	t.Helper()
	writeVideo(t, path, 2, false)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.ReplaceAll(data, []byte("MJPG"), []byte("H264")), 0o644)
}
