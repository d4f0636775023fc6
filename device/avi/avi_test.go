package avi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/synth"
)

// frames makes n small grey JPEGs, each a different shade.
func frames(t testing.TB, n int) [][]byte {
	var out [][]byte
	for i := range n {
		m := image.NewGray(image.Rect(0, 0, 16, 8))
		for j := range m.Pix {
			m.Pix[j] = uint8(40 * i)
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, nil); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	return out
}

func writeAVI(t testing.TB, fr [][]byte) []byte {
	var b bytes.Buffer
	if err := synth.WriteAVI(&b, fr, 16, 8, 25); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll returns the frames of data, skipping bad ones.
func readAll(t *testing.T, data []byte, maxFrame int) (got [][]byte, bad int) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r.MaxFrame = maxFrame
	for range 1000 {
		f, err := r.Next()
		switch {
		case errors.Is(err, io.EOF):
			return got, bad
		case errors.Is(err, ErrBadFrame):
			bad++
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, append([]byte(nil), f...))
		}
	}
	t.Fatal("no end after 1000 reads")
	return nil, 0
}

func same(t *testing.T, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d frames, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("frame %d differs", i)
		}
	}
}

func TestReadsSynthAVI(t *testing.T) {
	fr := frames(t, 3)
	data := writeAVI(t, fr)
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Width: 16, Height: 8, Frames: 3, FrameDuration: 40 * time.Millisecond, Codec: "MJPG"}
	if r.Info() != want {
		t.Errorf("info %+v, want %+v", r.Info(), want)
	}
	got, bad := readAll(t, data, 0)
	same(t, got, fr)
	if bad != 0 {
		t.Errorf("%d bad frames", bad)
	}
	// Rewind starts again at the first frame.
	for range 2 {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	r.Rewind()
	if f, err := r.Next(); err != nil || !bytes.Equal(f, fr[0]) {
		t.Fatalf("after Rewind: %v", err)
	}
}

func TestWithoutIndex(t *testing.T) {
	fr := frames(t, 3)
	data := writeAVI(t, fr)
	i := bytes.LastIndex(data, []byte("idx1"))
	got, _ := readAll(t, data[:i], 0) // the RIFF size now overstates the file
	same(t, got, fr)
}

func TestTruncatedLastFrame(t *testing.T) {
	fr := frames(t, 3)
	data := writeAVI(t, fr)
	i := bytes.LastIndex(data, []byte("idx1"))
	got, _ := readAll(t, data[:i-10], 0)
	same(t, got, fr[:2])
}

func TestRefusesOtherCodecs(t *testing.T) {
	data := bytes.ReplaceAll(writeAVI(t, frames(t, 1)), []byte("MJPG"), []byte("H264"))
	_, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, ErrNotMJPEG) {
		t.Fatalf("H.264 stream: %v, want ErrNotMJPEG", err)
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x04\x00\x00\x00WAVE"), []byte("not an avi file at all")} {
		if _, err := NewReader(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: %v, want ErrFormat", bad, err)
		}
	}
}

// withMovi replaces the movi list of a synth AVI by hand-made chunks.
func withMovi(t *testing.T, chunks ...[]byte) []byte {
	data := writeAVI(t, frames(t, 1))
	i := bytes.Index(data, []byte("movi")) - 8
	body := []byte("movi")
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte(nil), data[:i]...)
	out = append(out, "LIST"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	out = append(out, body...)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func raw(id string, body []byte, pad bool) []byte {
	c := binary.LittleEndian.AppendUint32([]byte(id), uint32(len(body)))
	c = append(c, body...)
	if pad && len(body)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func TestSkipsOtherChunks(t *testing.T) {
	fr := frames(t, 3)
	odd := append(append([]byte(nil), fr[1]...), 0) // a JPEG with one trailing byte
	if len(odd)%2 == 0 {
		odd = append(odd, 0)
	}
	rec := append([]byte("LIST\x00\x00\x00\x00rec "), raw("00dc", fr[2], true)...)
	binary.LittleEndian.PutUint32(rec[4:], uint32(len(rec)-8))
	data := withMovi(t,
		raw("JUNK", make([]byte, 7), true),
		raw("00dc", fr[0], true),
		raw("01wb", []byte{1, 2, 3}, false),  // audio, odd and unpadded
		raw("JUNK", make([]byte, 'A'), true), // "UNKA" after the id: printable too
		raw("01wb", []byte{1}, true),
		raw("ix00", make([]byte, 24), true),
		raw("00db", odd, false), // odd and unpadded
		rec,
		raw("00dc", nil, true), // a dropped frame
	)
	got, bad := readAll(t, data, 0)
	same(t, got, [][]byte{fr[0], odd, fr[2]})
	if bad != 0 {
		t.Errorf("%d bad frames", bad)
	}
}

func TestOversizedAndBadFramesAreSkipped(t *testing.T) {
	fr := frames(t, 2)
	big := append([]byte{0xff, 0xd8}, make([]byte, 5000)...)
	data := withMovi(t, raw("00dc", big, true), raw("00dc", []byte("text"), true), raw("00dc", fr[1], true))
	got, bad := readAll(t, data, 4096)
	same(t, got, fr[1:])
	if bad != 2 {
		t.Errorf("%d bad frames, want 2", bad)
	}
}

func FuzzReader(f *testing.F) {
	f.Add(writeAVI(f, frames(f, 3)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		r.MaxFrame = 1 << 16
		for range 2 {
			for range len(data) {
				b, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err == nil && len(b) > len(data) {
					t.Fatalf("frame of %d bytes from a %d-byte file", len(b), len(data))
				}
			}
			r.Rewind()
		}
	})
}
