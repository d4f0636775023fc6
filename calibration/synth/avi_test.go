package synth

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"testing"
)

// riffChunk is one parsed chunk; lists carry their type and children.
type riffChunk struct {
	id, list string
	data     []byte
	kids     []riffChunk
}

func parseRIFF(b []byte) ([]riffChunk, error) {
	var out []riffChunk
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, fmt.Errorf("%d stray bytes", len(b))
		}
		id, n := string(b[:4]), int(binary.LittleEndian.Uint32(b[4:8]))
		if 8+n > len(b) {
			return nil, fmt.Errorf("chunk %q of %d bytes overruns", id, n)
		}
		c := riffChunk{id: id, data: b[8 : 8+n]}
		if id == "RIFF" || id == "LIST" {
			c.list = string(c.data[:4])
			kids, err := parseRIFF(c.data[4:])
			if err != nil {
				return nil, err
			}
			c.kids = kids
		}
		out = append(out, c)
		b = b[8+n+n%2:]
	}
	return out, nil
}

func TestWriteAVI(t *testing.T) {
	var frames [][]byte
	for i := 0; i < 3; i++ {
		img := image.NewGray(image.Rect(0, 0, 32, 24))
		img.Pix[i] = 255
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, append(buf.Bytes(), byte(i)&1)) // odd sizes need padding
	}
	var avi bytes.Buffer
	if err := WriteAVI(&avi, frames, 32, 24, 25); err != nil {
		t.Fatal(err)
	}
	top, err := parseRIFF(avi.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top[0].id != "RIFF" || top[0].list != "AVI " || len(top[0].kids) != 3 {
		t.Fatalf("top level: %+v", top)
	}
	hdrl, movi, idx1 := top[0].kids[0], top[0].kids[1], top[0].kids[2]
	if hdrl.list != "hdrl" || movi.list != "movi" || idx1.id != "idx1" {
		t.Fatalf("sections %q %q %q", hdrl.list, movi.list, idx1.id)
	}
	avih := hdrl.kids[0].data
	le := binary.LittleEndian
	if hdrl.kids[0].id != "avih" || len(avih) != 56 || le.Uint32(avih[0:]) != 40000 || le.Uint32(avih[16:]) != 3 ||
		le.Uint32(avih[32:]) != 32 || le.Uint32(avih[36:]) != 24 {
		t.Fatalf("avih %v", avih)
	}
	strl := hdrl.kids[1]
	strh, strf := strl.kids[0].data, strl.kids[1].data
	if strl.list != "strl" || string(strh[:8]) != "vidsMJPG" || le.Uint32(strh[24:]) != 25 || le.Uint32(strh[32:]) != 3 {
		t.Fatalf("strh %q", strh)
	}
	if len(strf) != 40 || string(strf[16:20]) != "MJPG" || le.Uint32(strf[4:]) != 32 {
		t.Fatalf("strf %v", strf)
	}
	if len(movi.kids) != 3 || len(idx1.data) != 3*16 {
		t.Fatalf("%d frames, index of %d bytes", len(movi.kids), len(idx1.data))
	}
	// Each index entry points at its chunk, counted from the 'movi' fourcc.
	for i, c := range movi.kids {
		e := idx1.data[16*i:]
		off, n := int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
		if c.id != "00dc" || string(e[:4]) != "00dc" || le.Uint32(e[4:]) != 0x10 || !bytes.Equal(c.data, frames[i]) || n != len(frames[i]) {
			t.Fatalf("frame %d: chunk %q, entry %v", i, c.id, e[:16])
		}
		if !bytes.Equal(movi.data[off+8:off+8+n], frames[i]) {
			t.Fatalf("frame %d: index offset %d points elsewhere", i, off)
		}
		if _, err := jpeg.Decode(bytes.NewReader(c.data)); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}

	if err := WriteAVI(&avi, [][]byte{[]byte("nope")}, 32, 24, 25); err == nil {
		t.Fatal("a non-JPEG frame was accepted")
	}
	if err := WriteAVI(&avi, nil, 32, 24, 25); err == nil {
		t.Fatal("an empty video was accepted")
	}
}
