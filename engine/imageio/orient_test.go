package imageio

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// ifdEntry is one 12-byte TIFF directory entry with a short value.
type ifdEntry struct {
	Tag, Type uint16
	Count     uint32
	Value     [2]uint16
}

// withExif inserts an APP1 Exif segment holding an unrelated entry and an
// Orientation entry right after the JPEG's SOI marker.
func withExif(jpg []byte, order binary.ByteOrder, orientation uint16) []byte {
	var tiff bytes.Buffer
	if order == binary.LittleEndian {
		tiff.WriteString("II")
	} else {
		tiff.WriteString("MM")
	}
	binary.Write(&tiff, order, uint16(42))
	binary.Write(&tiff, order, uint32(8))                                                                  // IFD0 offset
	binary.Write(&tiff, order, uint16(2))                                                                  // entries
	binary.Write(&tiff, order, ifdEntry{Tag: 0x0128, Type: 3, Count: 1, Value: [2]uint16{2, 0}})           // resolution unit
	binary.Write(&tiff, order, ifdEntry{Tag: 0x0112, Type: 3, Count: 1, Value: [2]uint16{orientation, 0}}) // orientation
	binary.Write(&tiff, order, uint32(0))                                                                  // no IFD1
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := []byte{0xff, 0xd8, 0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(out[4:], uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestExifOrientation(t *testing.T) {
	// 8x4 gray, one bright 2x2 block in the top-left corner.
	src := image.NewGray(image.Rect(0, 0, 8, 4))
	for i := range src.Pix {
		src.Pix[i] = 20
	}
	for _, p := range []image.Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		src.SetGray(p.X, p.Y, color.Gray{Y: 235})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	// Where the bright corner ends up, and the size, per orientation.
	cases := []struct {
		o      uint16
		w, h   int
		corner image.Point
	}{
		{1, 8, 4, image.Pt(0, 0)},
		{2, 8, 4, image.Pt(7, 0)},
		{3, 8, 4, image.Pt(7, 3)},
		{4, 8, 4, image.Pt(0, 3)},
		{5, 4, 8, image.Pt(0, 0)},
		{6, 4, 8, image.Pt(3, 0)},
		{7, 4, 8, image.Pt(3, 7)},
		{8, 4, 8, image.Pt(0, 7)},
		{9, 8, 4, image.Pt(0, 0)}, // invalid: ignored
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, c := range cases {
			data := withExif(buf.Bytes(), order, c.o)
			img, _, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%v %d: %v", order, c.o, err)
			}
			b := img.Bounds()
			y := color.GrayModel.Convert(img.At(c.corner.X, c.corner.Y)).(color.Gray).Y
			if b.Dx() != c.w || b.Dy() != c.h || y < 200 {
				t.Errorf("%v orientation %d: %v, corner %v = %d", order, c.o, b, c.corner, y)
			}
		}
	}
	img, _, err := Decoder{KeepOrientation: true}.DecodeBytes(withExif(buf.Bytes(), binary.BigEndian, 6))
	if err != nil || img.Bounds().Dx() != 8 {
		t.Fatalf("KeepOrientation: %v %v", img.Bounds(), err)
	}
}

// Colour JPEGs come back as RGBA when turned.
func TestExifOrientationColour(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	src.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	img, _, err := Decode(bytes.NewReader(withExif(buf.Bytes(), binary.LittleEndian, 8)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.RGBA); !ok || img.Bounds() != image.Rect(0, 0, 8, 16) {
		t.Fatalf("%T %v", img, img.Bounds())
	}
}
