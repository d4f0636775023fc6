package imageio

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// testImage is a small gradient with a bright square, so that every
// format has something to preserve.
func testImage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{Y: uint8((x*7 + y*3) % 200)})
		}
	}
	return img
}

func encoded(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case PNG:
		err = png.Encode(&buf, img)
	case JPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	case PGM:
		err = EncodePGM(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeFormats(t *testing.T) {
	src := testImage(13, 7)
	for _, f := range []string{PNG, JPEG, PGM} {
		data := encoded(t, f, src)
		if got := Sniff(data); got != f {
			t.Errorf("Sniff(%s) = %q", f, got)
		}
		img, name, err := Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if name != f || img.Bounds() != src.Bounds() {
			t.Fatalf("%s: got %q %v", name, f, img.Bounds())
		}
		tol := 0
		if f == JPEG {
			tol = 12 // lossy
		}
		for y := 0; y < 7; y++ {
			for x := 0; x < 13; x++ {
				want := int(src.GrayAt(x, y).Y)
				got := int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
				if d := got - want; d > tol || -d > tol {
					t.Fatalf("%s: pixel (%d,%d) = %d, want %d", f, x, y, got, want)
				}
			}
		}
		c, name, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || name != f || c.Width != 13 || c.Height != 7 {
			t.Fatalf("DecodeConfig %s: %+v %q %v", f, c, name, err)
		}
	}
}

func TestPGMASCIIAndComments(t *testing.T) {
	in := "P2\n# made by hand\n3 2 # width height\n15\n0 5 15\n  10 7\n1\n"
	img, name, err := Decode(strings.NewReader(in))
	if err != nil || name != PGM {
		t.Fatalf("%q %v", name, err)
	}
	g := img.(*image.Gray)
	want := []byte{0, 85, 255, 170, 119, 17} // v*255/15, rounded
	if !bytes.Equal(g.Pix, want) {
		t.Fatalf("got %v, want %v", g.Pix, want)
	}
}

func TestPGM16Bit(t *testing.T) {
	in := append([]byte("P5 2 1 65535\n"), 0xff, 0xff, 0x80, 0x00)
	img, _, err := Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	g := img.(*image.Gray16)
	if g.Gray16At(0, 0).Y != 65535 || g.Gray16At(1, 0).Y != 0x8000 {
		t.Fatalf("got %v", g.Pix)
	}
}

func TestErrors(t *testing.T) {
	png1 := encoded(t, PNG, testImage(20, 20))
	jpg := encoded(t, JPEG, testImage(20, 20))
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "empty input"},
		{"unknown", "GIF89a....", "unknown image format"},
		{"png truncated", string(png1[:len(png1)/2]), "png"},
		{"jpeg truncated", string(jpg[:len(jpg)/2]), "jpeg"},
		{"pgm short data", "P5 4 4 255\n\x01\x02", "pixel data after 2 of 16 samples"},
		{"pgm bad width", "P5 x 4 255\n", `width "x" is not a number`},
		{"pgm zero height", "P2 4 0 255\n", "height 0 out of range"},
		{"pgm maxval", "P2 1 1 70000\n1", "maxval 70000 out of range"},
		{"pgm sample over maxval", "P2 2 1 10\n3 11", "sample 1: 11: sample exceeds maxval 10"},
		{"pgm header cut", "P5 4", "reading height"},
		{"pgm huge", "P5 100000 100000 255\n", "too large"},
	}
	for _, c := range cases {
		_, _, err := Decode(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestPixelLimit(t *testing.T) {
	data := encoded(t, PNG, testImage(100, 50))
	d := Decoder{MaxPixels: 4999}
	if _, _, err := d.DecodeBytes(data); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, _, err := d.DecodeConfig(bytes.NewReader(data)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeConfig over the limit: %v", err)
	}
	d.MaxPixels = 5000
	if _, _, err := d.DecodeBytes(data); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

// A PNG that declares 100000x100000 pixels in a valid header must be
// refused from the header alone: the bomb case.
func TestPNGBombHeader(t *testing.T) {
	data := encoded(t, PNG, testImage(8, 8))
	// IHDR data starts at byte 16: width, height as big-endian uint32,
	// followed by the chunk's CRC, which must be fixed up.
	bomb := append([]byte(nil), data...)
	putBE(bomb[16:], 100000)
	putBE(bomb[20:], 100000)
	putBE(bomb[29:], crc32IEEE(bomb[12:29]))
	_, _, err := Decode(bytes.NewReader(bomb))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}
