package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// idx type codes (the third byte of the magic).
const idxUbyte = 0x08

// maxIDXBytes bounds what one idx file may claim, so a corrupt header cannot
// ask for an absurd allocation. EMNIST's largest file is about 700 MB.
const maxIDXBytes = 2 << 30

// IDX is the content of an idx file of unsigned bytes: its dimensions and
// the values in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDX reads an idx file of unsigned bytes, gunzipping it first if it
// starts with the gzip magic.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("idx: reading header: %w", noEOF(err))
	}
	var src io.Reader = br
	if head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: gzip: %w", err)
		}
		defer gz.Close()
		src = gz
	}
	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, fmt.Errorf("idx: reading magic: %w", noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("idx: bad magic % x (not an idx file)", magic)
	}
	if magic[2] != idxUbyte {
		return nil, fmt.Errorf("idx: element type 0x%02x, only unsigned bytes (0x08) are supported", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 || nd > 4 {
		return nil, fmt.Errorf("idx: %d dimensions, want 1 to 4", nd)
	}
	dims := make([]int, nd)
	total := int64(1)
	for i := range dims {
		var d uint32
		if err := binary.Read(src, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("idx: reading dimension %d: %w", i, noEOF(err))
		}
		if d == 0 {
			return nil, fmt.Errorf("idx: dimension %d is zero", i)
		}
		dims[i] = int(d)
		total *= int64(d)
		if total > maxIDXBytes {
			return nil, fmt.Errorf("idx: dimensions %v claim more than %d bytes", dims[:i+1], int64(maxIDXBytes))
		}
	}
	data := make([]byte, total)
	if _, err := io.ReadFull(src, data); err != nil {
		return nil, fmt.Errorf("idx: %v of %d bytes: %w", dims, total, noEOF(err))
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// noEOF turns a bare EOF into a message that says the file is short.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file truncated")
	}
	return err
}

// WriteIDX writes an idx file of unsigned bytes (uncompressed); tests and
// tools use it to make small fixtures.
func WriteIDX(w io.Writer, dims []int, data []byte) error {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if len(dims) == 0 || len(dims) > 4 || n != len(data) {
		return fmt.Errorf("idx: %d values do not fill dimensions %v", len(data), dims)
	}
	var b bytes.Buffer
	b.Write([]byte{0, 0, idxUbyte, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	_, err := w.Write(b.Bytes())
	return err
}
