package enrolfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/sliced-ai/sliced/engine/knn"
)

// Magic starts every enrolment file.
const Magic = "\x89SLE\r\n\x1a\n"

// FormatVersion is the version this code writes and reads.
const FormatVersion = 1

// Limits on what a file may hold.
const (
	MaxFileSize = 32 << 20 // bytes
	MaxClasses  = 1024
	MaxExamples = 4096 // per class
	MaxDim      = 1 << 16
)

const (
	headerLen = 8 + 2 + 2 + 32 + 32 + 4 + 1 + 3 + 4
	flagOpen  = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Class is one enrolled class.
type Class struct {
	Name     string
	Radius   float32     // open-set radius; 0: none
	Examples [][]float32 // feature vectors of Identity.Dim values
}

// File is the content of an enrolment file.
type File struct {
	Identity
	Open    bool // the radii are calibrated
	Classes []Class
}

// FormatError says what is wrong with an enrolment file.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return "enrolment file: " + e.Msg }

func formatError(format string, a ...any) error {
	return &FormatError{Msg: fmt.Sprintf(format, a...)}
}

// Encode writes f.
func Encode(w io.Writer, f *File) error {
	if err := f.check(); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(Magic)
	var flags uint16
	if f.Open {
		flags |= flagOpen
	}
	put(&b, uint16(FormatVersion), flags, f.Stack, f.Proj, uint32(f.Dim), uint8(f.Metric), [3]byte{}, uint32(len(f.Classes)))
	for _, c := range f.Classes {
		put(&b, uint16(len(c.Name)))
		b.WriteString(c.Name)
		put(&b, c.Radius, uint32(len(c.Examples)))
		for _, v := range c.Examples {
			put(&b, v)
		}
	}
	put(&b, crc32.Checksum(b.Bytes(), castagnoli))
	_, err := w.Write(b.Bytes())
	return err
}

// check applies the decoder's rules to a file about to be written.
func (f *File) check() error {
	if f.Dim <= 0 || f.Dim > MaxDim {
		return fmt.Errorf("enrolment file: dimension %d, want 1 to %d", f.Dim, MaxDim)
	}
	if len(f.Classes) > MaxClasses {
		return fmt.Errorf("enrolment file: %d classes, more than %d", len(f.Classes), MaxClasses)
	}
	seen := map[string]bool{}
	for _, c := range f.Classes {
		if err := CheckName(c.Name); err != nil {
			return err
		}
		if seen[c.Name] {
			return fmt.Errorf("enrolment file: class %q twice", c.Name)
		}
		seen[c.Name] = true
		if len(c.Examples) == 0 || len(c.Examples) > MaxExamples {
			return fmt.Errorf("enrolment file: class %q has %d examples, want 1 to %d", c.Name, len(c.Examples), MaxExamples)
		}
		for i, v := range c.Examples {
			if len(v) != f.Dim {
				return fmt.Errorf("enrolment file: class %q example %d has %d values, want %d", c.Name, i, len(v), f.Dim)
			}
		}
	}
	return nil
}

func put(b *bytes.Buffer, vs ...any) {
	for _, v := range vs {
		binary.Write(b, binary.LittleEndian, v) // bytes.Buffer writes never fail
	}
}

// Decode parses an enrolment file; a bad one is a *FormatError.
func Decode(data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, formatError("%d bytes, more than the limit of %d", len(data), MaxFileSize)
	}
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, formatError("not an enrolment file (no %q magic)", Magic[1:4])
	}
	if len(data) < headerLen+4 {
		return nil, formatError("truncated: %d bytes, the header alone is %d", len(data), headerLen+4)
	}
	r := &reader{b: data[:len(data)-4], off: len(Magic)}
	if v := r.u16(); v != FormatVersion {
		return nil, formatError("format version %d, this build reads %d", v, FormatVersion)
	}
	f := &File{}
	flags := r.u16()
	f.Open = flags&flagOpen != 0
	copy(f.Stack[:], r.take(32))
	copy(f.Proj[:], r.take(32))
	f.Dim = int(r.u32())
	f.Metric = knn.Metric(r.u8())
	r.take(3)
	if f.Dim <= 0 || f.Dim > MaxDim {
		return nil, formatError("dimension %d, want 1 to %d", f.Dim, MaxDim)
	}
	if f.Metric != knn.L2 && f.Metric != knn.Cosine {
		return nil, formatError("unknown metric %d", uint8(f.Metric))
	}
	n := int(r.u32())
	if n > MaxClasses {
		return nil, formatError("%d classes, more than %d", n, MaxClasses)
	}
	seen := map[string]bool{}
	for i := 0; i < n && r.err == nil; i++ {
		c, err := r.class(i, f.Dim)
		if err != nil {
			return nil, err
		}
		if seen[c.Name] {
			return nil, formatError("class %q twice", c.Name)
		}
		seen[c.Name] = true
		f.Classes = append(f.Classes, c)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(r.b) {
		return nil, formatError("%d bytes after the last class", len(r.b)-r.off)
	}
	want := binary.LittleEndian.Uint32(data[len(data)-4:])
	if got := crc32.Checksum(r.b, castagnoli); got != want {
		return nil, formatError("checksum %08x, want %08x: the file is corrupt", got, want)
	}
	return f, nil
}

// reader reads little-endian values; the first failure sticks in err and
// later reads return zeros.
type reader struct {
	b    []byte
	off  int
	err  error
	what string // the part being read, for messages
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return make([]byte, n)
	}
	if n < 0 || n > len(r.b)-r.off {
		where := "the header"
		if r.what != "" {
			where = r.what
		}
		r.err = formatError("truncated in %s: %d bytes needed, %d left", where, n, len(r.b)-r.off)
		return make([]byte, max(n, 0))
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u8() uint8   { return r.take(1)[0] }
func (r *reader) u16() uint16 { return binary.LittleEndian.Uint16(r.take(2)) }
func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }

func (r *reader) f32() float32 { return math.Float32frombits(r.u32()) }

// class reads class i of vectors of dim values.
func (r *reader) class(i, dim int) (Class, error) {
	r.what = fmt.Sprintf("class %d", i)
	name := string(r.take(int(r.u16())))
	if r.err != nil {
		return Class{}, r.err
	}
	if err := CheckName(name); err != nil {
		return Class{}, formatError("class %d: %v", i, err)
	}
	r.what = fmt.Sprintf("class %q", name)
	c := Class{Name: name, Radius: r.f32()}
	if !(c.Radius >= 0) || math.IsInf(float64(c.Radius), 0) {
		return Class{}, formatError("class %q: radius %v", name, c.Radius)
	}
	n := int(r.u32())
	if r.err != nil {
		return Class{}, r.err
	}
	if n == 0 || n > MaxExamples {
		return Class{}, formatError("class %q has %d examples, want 1 to %d", name, n, MaxExamples)
	}
	if left := len(r.b) - r.off; n*dim*4 > left {
		return Class{}, formatError("truncated in class %q: %d examples of %d values need %d bytes, %d left", name, n, dim, n*dim*4, left)
	}
	all := make([]float32, n*dim)
	for j := range all {
		v := r.f32()
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Class{}, formatError("class %q example %d: value %v", name, j/dim, v)
		}
		all[j] = v
	}
	for j := 0; j < n; j++ {
		c.Examples = append(c.Examples, all[j*dim:(j+1)*dim:(j+1)*dim])
	}
	return c, r.err
}
