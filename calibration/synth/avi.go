package synth

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WriteAVI writes JPEG frames as an MJPEG AVI (RIFF AVI 1.0 with an idx1
// index), the container OpenCV's VideoCapture, ffmpeg and common players
// read. Every frame must be a baseline JPEG of width x height pixels.
func WriteAVI(w io.Writer, frames [][]byte, width, height, fps int) error {
	if len(frames) == 0 {
		return errors.New("synth: an AVI needs at least one frame")
	}
	if width <= 0 || height <= 0 || width > 1<<15 || height > 1<<15 || fps <= 0 || fps > 1000 {
		return fmt.Errorf("synth: AVI of %dx%d at %d fps", width, height, fps)
	}
	maxFrame := 0
	for i, f := range frames {
		if len(f) < 4 || f[0] != 0xff || f[1] != 0xd8 {
			return fmt.Errorf("synth: frame %d is not a JPEG", i)
		}
		maxFrame = max(maxFrame, len(f))
	}
	n := uint32(len(frames))

	var movi bytes.Buffer // the 'movi' list body, after its fourcc
	var idx bytes.Buffer
	for _, f := range frames {
		// Offsets count from the 'movi' fourcc, 4 bytes before the body.
		put(&idx, "00dc", uint32(0x10), uint32(4+movi.Len()), uint32(len(f)))
		chunk(&movi, "00dc", f)
	}

	var avih bytes.Buffer
	put(&avih,
		uint32(1_000_000/fps),   // microseconds per frame
		uint32(maxFrame*fps),    // max bytes per second
		uint32(0),               // padding granularity
		uint32(0x10),            // AVIF_HASINDEX
		n, uint32(0), uint32(1), // frames, initial frames, streams
		uint32(maxFrame),              // suggested buffer size
		uint32(width), uint32(height), // frame size
		[4]uint32{}) // reserved
	var strh bytes.Buffer
	put(&strh, "vids", "MJPG",
		uint32(0), uint16(0), uint16(0), // flags, priority, language
		uint32(0), uint32(1), uint32(fps), // initial frames, scale, rate
		uint32(0), n, uint32(maxFrame), // start, length, suggested buffer
		^uint32(0), uint32(0), // quality (default), sample size
		[4]int16{0, 0, int16(width), int16(height)})
	var strf bytes.Buffer // BITMAPINFOHEADER
	put(&strf, uint32(40), int32(width), int32(height), uint16(1), uint16(24), "MJPG",
		uint32(width*height*3), int32(0), int32(0), uint32(0), uint32(0))

	var strl, hdrl, body bytes.Buffer
	strl.WriteString("strl")
	chunk(&strl, "strh", strh.Bytes())
	chunk(&strl, "strf", strf.Bytes())
	hdrl.WriteString("hdrl")
	chunk(&hdrl, "avih", avih.Bytes())
	chunk(&hdrl, "LIST", strl.Bytes())

	body.WriteString("AVI ")
	chunk(&body, "LIST", hdrl.Bytes())
	var moviList bytes.Buffer
	moviList.WriteString("movi")
	moviList.Write(movi.Bytes())
	chunk(&body, "LIST", moviList.Bytes())
	chunk(&body, "idx1", idx.Bytes())
	if int64(body.Len()) > 1<<31-1 {
		return errors.New("synth: AVI over 2 GiB")
	}

	var riff bytes.Buffer
	chunk(&riff, "RIFF", body.Bytes())
	_, err := w.Write(riff.Bytes())
	return err
}

// chunk appends a RIFF chunk: fourcc, little-endian size, data, and a pad
// byte when the size is odd.
func chunk(b *bytes.Buffer, fourcc string, data []byte) {
	b.WriteString(fourcc)
	binary.Write(b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
}

// put appends fourcc strings and little-endian fixed-size values.
func put(b *bytes.Buffer, vs ...any) {
	for _, v := range vs {
		if s, ok := v.(string); ok {
			b.WriteString(s)
			continue
		}
		binary.Write(b, binary.LittleEndian, v)
	}
}
