package v4l2

import "testing"

func TestFourCC(t *testing.T) {
	if uint32(MJPEG) != 0x47504a4d || uint32(YUYV) != 0x56595559 {
		t.Fatalf("MJPEG %#x YUYV %#x", uint32(MJPEG), uint32(YUYV))
	}
	if MJPEG.String() != "MJPG" || YUYV.String() != "YUYV" || PixelFormat(1).String() != "PixelFormat(0x1)" {
		t.Fatalf("names %v %v %v", MJPEG, YUYV, PixelFormat(1))
	}
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	c, err := Config{Device: "/dev/video0"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Width != 640 || c.Height != 480 || c.Buffers != 4 || len(c.Format) != 2 || c.Format[0] != MJPEG {
		t.Fatalf("defaults %+v", c)
	}
	for name, bad := range map[string]Config{
		"no device":  {},
		"bad size":   {Device: "/dev/video0", Width: -1, Height: 480},
		"bad format": {Device: "/dev/video0", Format: []PixelFormat{PixelFormat(0x34325258)}},
		"1 buffer":   {Device: "/dev/video0", Buffers: 1},
	} {
		if _, err := bad.withDefaults(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
