package v4l2

import (
	"bytes"
	"image"
	"image/jpeg"
)

// standardDHT is a complete DHT segment with the four standard tables
// (T.81 Annex K.3), taken from what image/jpeg's encoder writes for a colour
// image: it always uses exactly those tables.
var standardDHT = func() []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		panic("v4l2: encoding the Huffman table template: " + err.Error())
	}
	seg, _ := findSegment(buf.Bytes(), 0xc4)
	if seg == nil {
		panic("v4l2: image/jpeg wrote no DHT segment")
	}
	return seg
}()

// findSegment returns the first marker segment of kind m (marker and length
// included) before the scan, and where the scan (SOS) starts; nil and -1 when
// absent or when the stream ends early.
func findSegment(b []byte, m byte) (seg []byte, sos int) {
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return nil, -1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return nil, -1
		}
		kind := b[i+1]
		if kind == 0xff { // fill byte
			i++
			continue
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return nil, -1
		}
		if kind == 0xda {
			return seg, i
		}
		if kind == m && seg == nil {
			seg = b[i : i+2+n]
		}
		i += 2 + n
	}
	return nil, -1
}

// withHuffman returns data with the standard DHT inserted before the scan when
// it has none; otherwise data itself.
func withHuffman(data []byte) []byte {
	dht, sos := findSegment(data, 0xc4)
	if dht != nil || sos < 0 {
		return data
	}
	out := make([]byte, 0, len(data)+len(standardDHT))
	out = append(out, data[:sos]...)
	out = append(out, standardDHT...)
	return append(out, data[sos:]...)
}
