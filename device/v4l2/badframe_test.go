//go:build linux

package v4l2

import (
	"errors"
	"image"
	"testing"
)

// A corrupt frame is told apart from a broken device: ErrBadFrame for the
// frame's data, a plain error for a wrong size or stride.
func TestBadFrameSentinel(t *testing.T) {
	good := testJPEG(t)
	for name, data := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)/2],
		"garbage":   []byte("not a jpeg at all"),
	} {
		_, err := MJPEGToGray(data)
		if !errors.Is(err, ErrBadFrame) {
			t.Errorf("mjpeg %s: %v, want ErrBadFrame", name, err)
		}
		d := &Device{path: "/dev/video9", pix: MJPEG}
		for _, color := range []bool{false, true} {
			if _, err := d.decode(data, color); !errors.Is(err, ErrBadFrame) {
				t.Errorf("device decode %s (colour %v): %v, want ErrBadFrame", name, color, err)
			}
		}
	}
	var g image.Gray
	if err := YUYVToGray(&g, make([]byte, 15), 4, 2, 8); !errors.Is(err, ErrBadFrame) {
		t.Errorf("short yuyv: %v, want ErrBadFrame", err)
	}
	d := &Device{path: "/dev/video9", pix: YUYV, width: 4, height: 2, stride: 8}
	for _, color := range []bool{false, true} {
		if _, err := d.decode(make([]byte, 15), color); !errors.Is(err, ErrBadFrame) {
			t.Errorf("device decode short yuyv (colour %v): %v, want ErrBadFrame", color, err)
		}
	}
	if err := YUYVToGray(&g, make([]byte, 100), 3, 2, 6); err == nil || errors.Is(err, ErrBadFrame) {
		t.Errorf("odd width: %v, want an error that is not ErrBadFrame", err)
	}
	if _, err := MJPEGToGray(good); err != nil {
		t.Errorf("good frame: %v", err)
	}
}
