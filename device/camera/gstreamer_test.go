//go:build gocv

package camera

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// A GStreamer pipeline source, with videotestsrc standing in for a camera
// (nvarguscamerasrc, libcamerasrc). Skipped where OpenCV lacks GStreamer
// or the plugin is missing.
func TestGStreamerPipeline(t *testing.T) {
	c, err := New(Config{Kind: "gstreamer", Path: "videotestsrc num-buffers=5 ! video/x-raw,width=320,height=240 ! videoconvert ! video/x-raw,format=BGR ! appsink"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Open(ctx); err != nil {
		t.Skipf("no GStreamer videotestsrc here: %v", err)
	}
	defer c.Close()
	n := 0
	for {
		f, err := c.Next(ctx)
		if err != nil {
			if n == 0 || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "read failed") {
				break
			}
			t.Fatal(err)
		}
		if b := f.Image.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
			t.Fatalf("frame %v", b)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("%d frames from a 5-buffer pipeline", n)
	}
}
