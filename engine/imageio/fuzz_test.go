package imageio

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to every decoder: each must return an
// image or an error, never panic, and never allocate past the limit.
//
//	go test ./engine/imageio -run '^$' -fuzz FuzzDecode -fuzztime 1m
func FuzzDecode(f *testing.F) {
	img := testImage(9, 5)
	for _, name := range []string{PNG, JPEG, PGM} {
		data := encoded(f, name, img)
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add(withExif(encoded(f, JPEG, img), binary.BigEndian, 6))
	f.Add([]byte("P2\n# c\n3 2\n15\n0 5 15\n10 7 1\n"))
	f.Add([]byte("P5 2 1 65535\n\xff\xff\x80\x00"))
	f.Add([]byte("P5 99999 99999 255\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Decoder{MaxPixels: 1 << 20}
		img, name, err := d.DecodeBytes(data)
		if err != nil {
			if img != nil {
				t.Fatalf("image and error both returned (%s)", name)
			}
			return
		}
		b := img.Bounds()
		if b.Dx()*b.Dy() > 1<<20 || b.Empty() {
			t.Fatalf("%s: decoded %v past the limit", name, b)
		}
		if _, _, err := d.DecodeConfig(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s decodes but its header does not: %v", name, err)
		}
	})
}
