package avi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

var (
	// ErrFormat means the file is not a readable AVI.
	ErrFormat = errors.New("avi: not a valid AVI file")
	// ErrNotMJPEG means the video stream uses a codec this package
	// cannot hand out as JPEG frames.
	ErrNotMJPEG = errors.New("avi: video stream is not MJPEG")
	// ErrBadFrame means one frame was unusable (too large, not a JPEG);
	// the next call to Next goes on with the following frame.
	ErrBadFrame = errors.New("avi: bad frame")
)

// DefaultMaxFrame bounds one frame's JPEG bytes: 16 MiB holds a
// high-quality 4K frame.
const DefaultMaxFrame = 16 << 20

// maxHeader bounds the hdrl list, which is read into memory whole.
const maxHeader = 1 << 20

// Info describes the video stream as its headers declare it.
type Info struct {
	Width, Height int
	Frames        int           // declared frame count; informative only
	FrameDuration time.Duration // declared time per frame; 0 if unknown
	Codec         string        // fourcc of the stream, such as "MJPG"
}

// span is the body of one 'movi' list.
type span struct{ start, end int64 }

// Reader yields the JPEG frames of an MJPEG AVI in file order.
type Reader struct {
	// MaxFrame bounds one frame's size (DefaultMaxFrame if 0).
	MaxFrame int

	r      io.ReaderAt
	size   int64
	info   Info
	stream string // two-digit stream number of the video stream
	spans  []span
	si     int   // current span
	pos    int64 // next chunk header in spans[si]
	buf    []byte
}

// NewReader parses the headers of the AVI in r, which holds size bytes.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	a := &Reader{r: r, size: size}
	if err := a.parse(); err != nil {
		return nil, err
	}
	a.Rewind()
	return a, nil
}

// Info returns the stream's declared properties.
func (a *Reader) Info() Info { return a.info }

// Rewind goes back to the first frame.
func (a *Reader) Rewind() {
	a.si = 0
	if len(a.spans) > 0 {
		a.pos = a.spans[0].start
	}
}

// Next returns the next frame's JPEG bytes, valid until the next call;
// io.EOF after the last frame; an error wrapping ErrBadFrame for a frame
// to skip.
func (a *Reader) Next() ([]byte, error) {
	var hdr [8]byte
	for a.si < len(a.spans) {
		sp := a.spans[a.si]
		if a.pos+8 > sp.end {
			a.nextSpan()
			continue
		}
		if _, err := a.r.ReadAt(hdr[:], a.pos); err != nil {
			return nil, fmt.Errorf("avi: reading chunk at %d: %w", a.pos, err)
		}
		id := string(hdr[:4])
		n := int64(binary.LittleEndian.Uint32(hdr[4:]))
		body := a.pos + 8
		if id == "LIST" {
			// A 'rec ' list groups the chunks of one moment: step into it.
			a.pos = body + 4
			continue
		}
		if n > sp.end-body {
			// Cut off (a recording that stopped mid-write): the end.
			a.nextSpan()
			continue
		}
		a.pos = a.after(body, n, sp.end)
		if !a.isFrame(id) {
			continue
		}
		limit := a.MaxFrame
		if limit <= 0 {
			limit = DefaultMaxFrame
		}
		if n > int64(limit) {
			return nil, fmt.Errorf("%w: %d bytes at offset %d, over the %d-byte limit", ErrBadFrame, n, body, limit)
		}
		if n == 0 {
			continue // a dropped frame: some writers keep its slot empty
		}
		if cap(a.buf) < int(n) {
			a.buf = make([]byte, n)
		}
		b := a.buf[:n]
		if _, err := a.r.ReadAt(b, body); err != nil {
			return nil, fmt.Errorf("avi: reading frame at %d: %w", body, err)
		}
		if n < 4 || b[0] != 0xff || b[1] != 0xd8 {
			return nil, fmt.Errorf("%w: chunk at offset %d is not a JPEG", ErrBadFrame, body)
		}
		return b, nil
	}
	return nil, io.EOF
}

func (a *Reader) nextSpan() {
	a.si++
	if a.si < len(a.spans) {
		a.pos = a.spans[a.si].start
	}
}

// isFrame reports whether a chunk id is a frame of the video stream:
// "00dc" (compressed) or "00db" (uncompressed, which MJPEG writers also use).
func (a *Reader) isFrame(id string) bool {
	return id[:2] == a.stream && (id[2:] == "dc" || id[2:] == "db")
}

// after returns where the chunk after the one at body (n bytes) starts.
// RIFF pads odd chunks to an even size with a zero byte; some writers
// leave it out, and then a chunk id starts right after the data.
func (a *Reader) after(body, n, end int64) int64 {
	next := body + n
	if n%2 == 0 {
		return next
	}
	var b [4]byte
	if next+4 <= end {
		if _, err := a.r.ReadAt(b[:], next); err == nil && unpadded(b[:]) {
			return next
		}
	}
	return next + 1
}

// unpadded reports whether b, the bytes after an odd chunk, start a chunk
// id rather than a zero pad byte.
func unpadded(b []byte) bool { return b[0] != 0 && fourcc(b[:4]) }

// fourcc reports whether b looks like a chunk id: printable ASCII.
func fourcc(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// File is a Reader over an open file.
type File struct {
	*Reader
	f *os.File
}

// Open opens the MJPEG AVI at path.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{Reader: r, f: f}, nil
}

// Stat describes the open file, to tell whether its path still names it.
func (f *File) Stat() (os.FileInfo, error) { return f.f.Stat() }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// mjpeg are the fourccs of JPEG-per-frame video, compared case-insensitively.
var mjpeg = []string{"MJPG", "JPEG", "AVRN", "LJPG", "DMB1"}

func isMJPEG(cc string) bool {
	for _, m := range mjpeg {
		if strings.EqualFold(cc, m) {
			return true
		}
	}
	return false
}
