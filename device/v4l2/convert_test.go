package v4l2

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestYUYVToGray(t *testing.T) {
	// 4x2 pixels, stride 10: two bytes of row padding.
	src := []byte{
		10, 128, 20, 128, 30, 64, 40, 64, 0xee, 0xee,
		50, 1, 60, 2, 70, 3, 80, 4, 0xee, 0xee,
	}
	var g image.Gray
	if err := YUYVToGray(&g, src, 4, 2, 10); err != nil {
		t.Fatal(err)
	}
	want := []byte{10, 20, 30, 40, 50, 60, 70, 80}
	if !bytes.Equal(g.Pix, want) || g.Stride != 4 || g.Rect != image.Rect(0, 0, 4, 2) {
		t.Fatalf("gray %v stride %d rect %v, want %v", g.Pix, g.Stride, g.Rect, want)
	}
	// The buffer is reused for the next frame of the same size.
	p := &g.Pix[0]
	if err := YUYVToGray(&g, src, 4, 2, 10); err != nil || &g.Pix[0] != p {
		t.Fatalf("buffer not reused: %v", err)
	}
}

func TestYUYVToGrayErrors(t *testing.T) {
	var g image.Gray
	for name, c := range map[string]struct {
		n, w, h, stride int
	}{
		"odd width":    {100, 3, 2, 6},
		"short stride": {100, 4, 2, 6},
		"short frame":  {15, 4, 2, 8},
		"zero height":  {100, 4, 0, 8},
	} {
		if err := YUYVToGray(&g, make([]byte, c.n), c.w, c.h, c.stride); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// testJPEG encodes a colour gradient with the standard Huffman tables.
func testJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := range 24 {
		for x := range 32 {
			img.Set(x, y, color.RGBA{uint8(8 * x), uint8(10 * y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMJPEGToGray(t *testing.T) {
	data := testJPEG(t)
	g, err := MJPEGToGray(data)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := jpeg.Decode(bytes.NewReader(data))
	y := ref.(*image.YCbCr)
	if g.Rect != y.Rect || !bytes.Equal(g.Pix, y.Y) {
		t.Fatal("luma differs from image/jpeg's Y plane")
	}
}

// Webcam MJPEG without a DHT segment decodes as if it had the standard tables.
func TestMJPEGWithoutHuffmanTables(t *testing.T) {
	data := testJPEG(t)
	dht, sos := findSegment(data, 0xc4)
	if dht == nil || sos < 0 {
		t.Fatal("test JPEG has no DHT")
	}
	i := bytes.Index(data, dht)
	stripped := append(append([]byte{}, data[:i]...), data[i+len(dht):]...)
	if _, err := jpeg.Decode(bytes.NewReader(stripped)); err == nil {
		t.Fatal("image/jpeg decoded a frame without Huffman tables: the test proves nothing")
	}
	g, err := MJPEGToGray(stripped)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := MJPEGToGray(data)
	if !bytes.Equal(g.Pix, want.Pix) {
		t.Fatal("frame without tables decodes differently")
	}
}

func TestMJPEGGrayAndBroken(t *testing.T) {
	var buf bytes.Buffer
	src := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	if err := jpeg.Encode(&buf, src, nil); err != nil {
		t.Fatal(err)
	}
	g, err := MJPEGToGray(buf.Bytes())
	if err != nil || g.Rect.Dx() != 16 {
		t.Fatalf("gray jpeg: %v", err)
	}
	if _, err := MJPEGToGray([]byte{0xff, 0xd8, 0xff}); err == nil {
		t.Fatal("truncated frame accepted")
	}
	if _, err := MJPEGToGray(nil); err == nil {
		t.Fatal("empty frame accepted")
	}
}

func TestYUYVToYCbCr(t *testing.T) {
	// 4x2 pixels, stride 10: two bytes of row padding.
	src := []byte{
		10, 128, 20, 129, 30, 64, 40, 65, 0xee, 0xee,
		50, 1, 60, 2, 70, 3, 80, 4, 0xee, 0xee,
	}
	m, err := YUYVToYCbCr(src, 4, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if m.SubsampleRatio != image.YCbCrSubsampleRatio422 || m.Rect != image.Rect(0, 0, 4, 2) {
		t.Fatalf("%v %v", m.SubsampleRatio, m.Rect)
	}
	var ys, cbs, crs []byte
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			c := m.YCbCrAt(x, y)
			ys, cbs, crs = append(ys, c.Y), append(cbs, c.Cb), append(crs, c.Cr)
		}
	}
	if !bytes.Equal(ys, []byte{10, 20, 30, 40, 50, 60, 70, 80}) || !bytes.Equal(cbs, []byte{128, 128, 64, 64, 1, 1, 3, 3}) ||
		!bytes.Equal(crs, []byte{129, 129, 65, 65, 2, 2, 4, 4}) {
		t.Fatalf("Y %v Cb %v Cr %v", ys, cbs, crs)
	}
	if _, err := YUYVToYCbCr(src[:15], 4, 2, 10); !errors.Is(err, ErrBadFrame) {
		t.Fatalf("short frame: %v", err)
	}
}
