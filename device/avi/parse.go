package avi

import (
	"encoding/binary"
	"fmt"
	"time"
)

// parse reads the RIFF structure: the headers of hdrl and where each
// 'movi' list lies, in the first RIFF AVI and any AVIX that follow.
func (a *Reader) parse() error {
	var hdr [12]byte
	headers := false
	for pos := int64(0); pos+12 <= a.size; {
		if _, err := a.r.ReadAt(hdr[:], pos); err != nil {
			return fmt.Errorf("avi: reading RIFF header at %d: %w", pos, err)
		}
		kind := string(hdr[8:12])
		if string(hdr[:4]) != "RIFF" || (pos == 0 && kind != "AVI ") || (pos > 0 && kind != "AVIX") {
			if pos == 0 {
				return fmt.Errorf("%w: starts with %q, want RIFF....AVI ", ErrFormat, printable(hdr[:]))
			}
			break // trailing bytes after the last RIFF: ignored
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		end := min(pos+8+n, a.size) // never trust a size beyond the file
		if err := a.walk(pos+12, end, &headers); err != nil {
			return err
		}
		pos = end + end%2
	}
	if !headers {
		return fmt.Errorf("%w: no hdrl header list", ErrFormat)
	}
	if len(a.spans) == 0 {
		return fmt.Errorf("%w: no movi list", ErrFormat)
	}
	return nil
}

// walk visits the chunks of one RIFF body, [pos, end).
func (a *Reader) walk(pos, end int64, headers *bool) error {
	var hdr [12]byte
	for pos+8 <= end {
		if _, err := a.r.ReadAt(hdr[:8], pos); err != nil {
			return fmt.Errorf("avi: reading chunk at %d: %w", pos, err)
		}
		id := string(hdr[:4])
		n := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		body := pos + 8
		if n > end-body {
			n = end - body // a cut-off list still holds the frames before the cut
		}
		if id == "LIST" && n >= 4 {
			if _, err := a.r.ReadAt(hdr[8:12], body); err != nil {
				return fmt.Errorf("avi: reading list at %d: %w", pos, err)
			}
			switch string(hdr[8:12]) {
			case "hdrl":
				if *headers {
					break // an AVIX repeats nothing; a second hdrl is ignored
				}
				if n > maxHeader {
					return fmt.Errorf("%w: header list of %d bytes, over %d", ErrFormat, n, maxHeader)
				}
				b := make([]byte, n-4)
				if _, err := a.r.ReadAt(b, body+4); err != nil {
					return fmt.Errorf("avi: reading headers: %w", err)
				}
				if err := a.headers(b); err != nil {
					return err
				}
				*headers = true
			case "movi":
				a.spans = append(a.spans, span{body + 4, body + n})
			}
		}
		pos = a.after(body, n, end)
	}
	return nil
}

// headers reads avih and the stream lists of hdrl's body.
func (a *Reader) headers(b []byte) error {
	var usec uint32
	video := -1
	stream := 0
	for _, c := range chunks(b) {
		switch {
		case c.id == "avih" && len(c.body) >= 40:
			usec = le32(c.body, 0)
			a.info.Frames = int(le32(c.body, 16))
			a.info.Width, a.info.Height = int(le32(c.body, 32)), int(le32(c.body, 36))
		case c.id == "LIST" && len(c.body) >= 4 && string(c.body[:4]) == "strl":
			if video < 0 {
				if ok, err := a.stream0(c.body[4:]); err != nil {
					return err
				} else if ok {
					video = stream
				}
			}
			stream++
		}
	}
	if video < 0 {
		return fmt.Errorf("%w: no video stream", ErrFormat)
	}
	if video > 99 {
		return fmt.Errorf("%w: video stream %d", ErrFormat, video)
	}
	a.stream = fmt.Sprintf("%02d", video)
	if a.info.FrameDuration == 0 && usec > 0 {
		a.info.FrameDuration = time.Duration(usec) * time.Microsecond
	}
	if a.info.Width <= 0 || a.info.Height <= 0 || a.info.Width > 1<<16 || a.info.Height > 1<<16 {
		return fmt.Errorf("%w: frame size %dx%d", ErrFormat, a.info.Width, a.info.Height)
	}
	return nil
}

// stream0 reads one strl list; it reports whether it is the video stream
// and refuses a video stream that is not MJPEG.
func (a *Reader) stream0(b []byte) (bool, error) {
	var strh, strf []byte
	for _, c := range chunks(b) {
		switch c.id {
		case "strh":
			strh = c.body
		case "strf":
			strf = c.body
		}
	}
	if len(strh) < 8 || string(strh[:4]) != "vids" {
		return false, nil
	}
	codec := string(strh[4:8])
	if len(strf) >= 20 {
		// BITMAPINFOHEADER: its compression is what decoders go by.
		codec = string(strf[16:20])
		if w, h := int32(le32(strf, 4)), int32(le32(strf, 8)); w > 0 && h != 0 {
			a.info.Width, a.info.Height = int(w), int(max(h, -h))
		}
	}
	a.info.Codec = printable([]byte(codec))
	if !isMJPEG(codec) {
		return false, fmt.Errorf("%w: codec %q; without OpenCV only MJPEG AVI files are read (ffmpeg -i in.mp4 -c:v mjpeg out.avi converts one)", ErrNotMJPEG, a.info.Codec)
	}
	if len(strh) >= 28 {
		scale, rate := le32(strh, 20), le32(strh, 24)
		if scale > 0 && rate > 0 {
			a.info.FrameDuration = time.Duration(float64(time.Second) * float64(scale) / float64(rate))
		}
	}
	if len(strh) >= 36 {
		if n := le32(strh, 32); n > 0 {
			a.info.Frames = int(n)
		}
	}
	return true, nil
}

type chunk struct {
	id   string
	body []byte
}

// chunks splits an in-memory list body into its chunks, clipping sizes to
// the body and stopping at the first header that does not fit.
func chunks(b []byte) []chunk {
	var out []chunk
	for len(b) >= 8 {
		n := int(min(uint64(le32(b, 4)), uint64(len(b)-8)))
		out = append(out, chunk{string(b[:4]), b[8 : 8+n]})
		b = b[8+n:]
		if n%2 == 1 && len(b) > 0 && !(len(b) >= 4 && unpadded(b)) {
			b = b[1:]
		}
	}
	return out
}

func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// printable shows bytes of a fourcc or magic for an error message.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}
