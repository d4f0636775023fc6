package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"unicode/utf8"

	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// FormatError says what is wrong with an engine file.
type FormatError struct {
	Section string // "" for the header
	Msg     string
}

func (e *FormatError) Error() string {
	if e.Section == "" {
		return "engine file: " + e.Msg
	}
	return fmt.Sprintf("engine file: section %s: %s", e.Section, e.Msg)
}

// ErrNotEngine is returned (wrapped) for data that does not start with Magic.
var ErrNotEngine = errors.New("not a sliced engine file (bad magic)")

// Decode parses an engine file. Every count is checked against the bytes
// that hold it before anything is allocated, so a corrupt or hostile file
// gives an error, never a panic or a huge allocation.
func Decode(data []byte) (*Engine, error) {
	if len(data) > MaxFileSize {
		return nil, &FormatError{Msg: fmt.Sprintf("%d bytes, more than the limit of %d", len(data), MaxFileSize)}
	}
	if len(data) < headerLen || string(data[:8]) != Magic {
		return nil, fmt.Errorf("engine file: %w", ErrNotEngine)
	}
	le := binary.LittleEndian
	if v := le.Uint16(data[8:]); v != Version {
		return nil, &FormatError{Msg: fmt.Sprintf("format version %d, this build reads version %d", v, Version)}
	}
	n := le.Uint32(data[12:])
	if n > maxSections {
		return nil, &FormatError{Msg: fmt.Sprintf("%d sections, more than the limit of %d", n, maxSections)}
	}
	if uint64(len(data)) < headerLen+uint64(n)*entryLen {
		return nil, &FormatError{Msg: "truncated section table"}
	}
	secs := map[[4]byte][]byte{}
	for i := 0; i < int(n); i++ {
		ent := data[headerLen+i*entryLen:]
		var tag [4]byte
		copy(tag[:], ent)
		crc, off, size := le.Uint32(ent[4:]), le.Uint64(ent[8:]), le.Uint64(ent[16:])
		name := fmt.Sprintf("%q", tag[:])
		if off > uint64(len(data)) || size > uint64(len(data))-off {
			return nil, &FormatError{Section: name, Msg: fmt.Sprintf("offset %d + length %d past the end of the %d-byte file (truncated?)", off, size, len(data))}
		}
		body := data[off : off+size]
		if got := crc32.Checksum(body, castagnoli); got != crc {
			return nil, &FormatError{Section: name, Msg: fmt.Sprintf("checksum mismatch (stored %08x, computed %08x): the file is corrupt", crc, got)}
		}
		if _, dup := secs[tag]; dup {
			return nil, &FormatError{Section: name, Msg: "appears twice"}
		}
		secs[tag] = body
	}
	for _, t := range [][4]byte{tagMeta, tagLayer, tagClass} {
		if _, ok := secs[t]; !ok {
			return nil, &FormatError{Section: string(t[:]), Msg: "missing"}
		}
	}
	e := &Engine{}
	if err := decodeMeta(e, &reader{sec: "META", b: secs[tagMeta]}); err != nil {
		return nil, err
	}
	if err := decodeLayers(e, &reader{sec: "LAYR", b: secs[tagLayer]}); err != nil {
		return nil, err
	}
	classes, err := decodeStrings(&reader{sec: "CLAS", b: secs[tagClass]})
	if err != nil {
		return nil, err
	}
	if b, ok := secs[tagProj]; ok {
		if e.Proj, err = decodeProj(&reader{sec: "PROJ", b: b}); err != nil {
			return nil, err
		}
		e.WeightType = orF32(e.WeightType)
	}
	if b, ok := secs[tagKNN]; ok {
		if e.KNN, err = decodeKNN(e, &reader{sec: "KNN_", b: b}); err != nil {
			return nil, err
		}
		e.KNN.Classes = classes
		if b, ok := secs[tagOpen]; ok {
			if e.KNN.Open, err = decodeOpen(&reader{sec: "OPEN", b: b}); err != nil {
				return nil, err
			}
			if b, ok := secs[tagGauss]; ok {
				if err := decodeGauss(e.KNN.Open, e.KNN.Dim, &reader{sec: "GAUS", b: b}); err != nil {
					return nil, err
				}
			}
			if b, ok := secs[tagSpread]; ok && e.KNN.Open.Gaussian() {
				if err := decodeSpread(e.KNN.Open, len(classes), &reader{sec: "SPRD", b: b}); err != nil {
					return nil, err
				}
			}
			if b, ok := secs[tagPrior]; ok {
				r := &reader{sec: "PRIO", b: b}
				if v := r.f32s(1, "prior radius"); v != nil {
					e.KNN.Open.Prior = v[0]
				}
				if err := r.done(); err != nil {
					return nil, err
				}
			}
		}
		e.KNN.Prepare()
	} else {
		e.Classes = classes
	}
	if b, ok := secs[tagPrep]; ok {
		if err := decodePrep(&e.Prep, e.Stack.In.C, &reader{sec: "PREP", b: b}); err != nil {
			return nil, err
		}
	}
	if err := e.Validate(); err != nil {
		return nil, &FormatError{Msg: err.Error()}
	}
	return e, nil
}

// reader walks one section; every read checks the bytes left.
type reader struct {
	sec string
	b   []byte
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &FormatError{Section: r.sec, Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) take(n uint64, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.fail("%s needs %d bytes, %d left (truncated or absurd count)", what, n, len(r.b))
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8(what string) uint8 {
	if b := r.take(1, what); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16(what string) uint16 {
	if b := r.take(2, what); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32(what string) uint32 {
	if b := r.take(4, what); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// count reads a u32 count and checks it against limit.
func (r *reader) count(what string, limit int) int {
	v := r.u32(what)
	if r.err == nil && uint64(v) > uint64(limit) {
		r.fail("%s = %d, more than the limit of %d", what, v, limit)
	}
	return int(v)
}

func (r *reader) str(what string) string {
	n := r.u16(what + " length")
	if n > maxString {
		r.fail("%s is %d bytes, more than %d", what, n, maxString)
		return ""
	}
	b := r.take(uint64(n), what)
	if r.err == nil && !utf8.Valid(b) {
		r.fail("%s is not UTF-8", what)
	}
	return string(b)
}

func (r *reader) f32s(n int, what string) []float32 {
	b := r.take(uint64(n)*4, what)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// matrix reads rows x cols values stored in precision d.
func (r *reader) matrix(d DType, rows, cols int, what string) []float32 {
	n := rows * cols
	switch d {
	case F32:
		return r.f32s(n, what)
	case F16:
		b := r.take(uint64(n)*2, what)
		if b == nil {
			return nil
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = f16ToF32(binary.LittleEndian.Uint16(b[2*i:]))
		}
		return out
	case I8:
		scales := r.f32s(rows, what+" scales")
		b := r.take(uint64(n), what)
		if b == nil {
			return nil
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(int8(b[i])) * scales[i/cols]
		}
		return out
	}
	r.fail("%s: unknown precision %d", what, d)
	return nil
}

func (r *reader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d unexpected bytes at the end", len(r.b))
	}
	return r.err
}

func decodeMeta(e *Engine, r *reader) error {
	e.Name = r.str("name")
	e.Topology = r.str("topology")
	c, h, w := r.count("input channels", nn.MaxDim), r.count("input height", nn.MaxDim), r.count("input width", nn.MaxDim)
	e.Stack.In = nn.Shape{C: c, H: h, W: w}
	return r.done()
}

func decodeStrings(r *reader) ([]string, error) {
	n := r.count("class count", maxClasses)
	if r.err != nil {
		return nil, r.err
	}
	if uint64(n)*2 > uint64(len(r.b)) {
		r.fail("%d classes cannot fit in %d bytes", n, len(r.b))
		return nil, r.err
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str(fmt.Sprintf("class %d", i))
	}
	return out, r.done()
}

func decodeLayers(e *Engine, r *reader) error {
	n := r.count("layer count", nn.MaxLayers)
	in := e.Stack.In
	for i := 0; i < n && r.err == nil; i++ {
		op, d := nn.Op(r.u8("op")), DType(r.u8("precision"))
		r.u16("padding")
		l := nn.Layer{Op: op, Out: r.count("output size", nn.MaxDim), Size: r.count("kernel size", nn.MaxDim)}
		if r.err != nil {
			break
		}
		// Check the layer before reading its weights: the shapes bound the
		// counts, and the counts bound the allocation.
		probe := nn.Stack{In: in, Layers: []nn.Layer{l}}
		rows, cols := l.WeightShape(in)
		if rows > 0 {
			if int64(rows)*int64(cols) > nn.MaxValues {
				r.fail("layer %d: weight matrix %dx%d too large", i, rows, cols)
				break
			}
			l.W = r.matrix(d, rows, cols, fmt.Sprintf("layer %d weights", i))
			l.B = r.f32s(rows, fmt.Sprintf("layer %d bias", i))
			if r.err != nil {
				break
			}
			if e.WeightType == 0 {
				e.WeightType = d
			}
			probe.Layers[0] = l
		}
		out, err := probe.Out()
		if err != nil {
			r.fail("layer %d: %v", i, err)
			break
		}
		e.Stack.Layers = append(e.Stack.Layers, l)
		in = out
	}
	e.WeightType = orF32(e.WeightType)
	return r.done()
}

func decodeProj(r *reader) (*Projection, error) {
	p := &Projection{In: r.count("projection input", nn.MaxValues), Out: r.count("projection output", nn.MaxDim)}
	d := DType(r.u8("precision"))
	r.take(3, "padding")
	if r.err == nil && int64(p.In)*int64(p.Out) > nn.MaxValues {
		r.fail("projection %dx%d too large", p.Out, p.In)
	}
	nMean := r.count("mean length", nn.MaxValues)
	if r.err == nil && nMean != 0 && nMean != p.In {
		r.fail("mean has %d values for %d inputs", nMean, p.In)
	}
	if r.err == nil {
		if nMean > 0 {
			p.Mean = r.f32s(nMean, "mean")
		}
		p.W = r.matrix(d, p.Out, p.In, "matrix")
	}
	return p, r.done()
}

func decodeKNN(e *Engine, r *reader) (*knn.Set, error) {
	s := &knn.Set{K: r.count("k", 1<<10), Metric: knn.Metric(r.u8("metric"))}
	d := DType(r.u8("precision"))
	s.Vote = knn.Vote(r.u8("vote"))
	r.u8("padding")
	s.Dim = r.count("dimension", nn.MaxValues)
	n := r.count("prototype count", MaxPrototypes)
	if r.err == nil && int64(n)*int64(s.Dim) > nn.MaxValues*4 {
		r.fail("%d prototypes of %d values is too large", n, s.Dim)
	}
	if r.err == nil {
		s.Vectors = r.matrix(d, n, s.Dim, "prototypes")
		if lb := r.take(uint64(n)*2, "labels"); lb != nil {
			s.Labels = make([]int, n)
			for i := range s.Labels {
				s.Labels[i] = int(binary.LittleEndian.Uint16(lb[2*i:]))
			}
		}
	}
	e.ProtoType = d
	return s, r.done()
}

func decodeGauss(c *knn.Calibration, dim int, r *reader) error {
	if d := int(r.u32("dimension")); r.err == nil && d != dim {
		r.fail("whitening of dimension %d for features of %d", d, dim)
	}
	classes := r.count("class count", maxClasses)
	if r.err == nil && classes != len(c.Radius) {
		r.fail("%d class means for %d radii", classes, len(c.Radius))
	}
	if r.err != nil {
		return r.err
	}
	c.Whiten = r.f32s(dim*dim, "whitening")
	c.Means = r.f32s(classes*dim, "class means")
	return r.done()
}

func decodeOpen(r *reader) (*knn.Calibration, error) {
	c := &knn.Calibration{}
	if q := r.f32s(1, "quantile"); q != nil {
		c.Quantile = q[0]
	}
	c.Other = int(int32(r.u32("other class")))
	c.Radius = r.f32s(r.count("class count", maxClasses), "radii")
	return c, r.done()
}

func decodePrep(p *Preprocess, channels int, r *reader) error {
	p.Mode, p.Fit = PrepMode(r.u8("mode")), Fit(r.u8("fit"))
	r.u16("padding")
	if v := r.f32s(1, "pad"); v != nil {
		p.Pad = v[0]
	}
	// Normalisation has one value or one per channel: the count bounds
	// the allocation before anything is read.
	p.Mean = r.f32s(r.count("mean count", max(channels, 1)), "mean")
	p.Scale = r.f32s(r.count("scale count", max(channels, 1)), "scale")
	if r.err == nil {
		if err := p.validate(channels); err != nil {
			r.fail("%v", err)
		}
	}
	return r.done()
}

// decodeSpread reads one spread per class into c.
func decodeSpread(c *knn.Calibration, classes int, r *reader) error {
	if n := r.count("spread count", maxClasses); r.err == nil && n != classes {
		r.fail("%d spreads for %d classes", n, classes)
	} else {
		c.Spread = r.f32s(n, "class spreads")
	}
	return r.done()
}
