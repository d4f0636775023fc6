//go:build linux

package v4l2

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestOpenAbsentDevice(t *testing.T) {
	_, err := Open(Config{Device: "/dev/video-sliced-absent"})
	if !errors.Is(err, ErrNoDevice) {
		t.Fatalf("error %v does not wrap ErrNoDevice", err)
	}
	if !strings.Contains(err.Error(), "/dev/video-sliced-absent") {
		t.Errorf("error %q does not name the device", err)
	}
}

func TestOpenNotAVideoDevice(t *testing.T) {
	_, err := Open(Config{Device: "/dev/null"})
	if err == nil || !strings.Contains(err.Error(), "not a V4L2 device") {
		t.Fatalf("/dev/null: %v", err)
	}
}

// With a camera attached, SLICED_V4L2_DEVICE=/dev/video0 go test ./device/v4l2
// grabs a few real frames.
func TestCaptureRealCamera(t *testing.T) {
	dev := os.Getenv("SLICED_V4L2_DEVICE")
	if dev == "" {
		t.Skip("set SLICED_V4L2_DEVICE to a camera to run")
	}
	d, err := Open(Config{Device: dev})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w, h, pix := d.Format()
	t.Logf("%s: %dx%d %v", dev, w, h, pix)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 5 {
		img, at, err := d.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Fatalf("frame %d is %v, format says %dx%d", i, img.Bounds(), w, h)
		}
		t.Logf("frame %d at %v", i, at.Format(time.RFC3339Nano))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
