package engine

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"

	"github.com/sliced-ai/sliced/engine/knn"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Encode writes e as an engine file. Weights are stored as e.WeightType and
// prototypes as e.ProtoType (float32 when unset).
func Encode(w io.Writer, e *Engine) error {
	if err := e.Validate(); err != nil {
		return err
	}
	type section struct {
		tag  [4]byte
		data []byte
	}
	secs := []section{
		{tagMeta, encodeMeta(e)},
		{tagLayer, encodeLayers(e)},
		{tagClass, encodeStrings(e.ClassNames())},
	}
	if e.Proj != nil {
		secs = append(secs, section{tagProj, encodeProj(e.Proj, orF32(e.WeightType))})
	}
	if e.KNN != nil {
		secs = append(secs, section{tagKNN, encodeKNN(e)})
		if e.KNN.Open != nil {
			secs = append(secs, section{tagOpen, encodeOpen(e.KNN.Open)})
			if e.KNN.Open.Gaussian() {
				secs = append(secs, section{tagGauss, encodeGauss(e.KNN.Open, e.KNN.Dim)})
			}
			if c := e.KNN.Open; c.Gaussian() && slices.ContainsFunc(c.Spread, func(v float32) bool { return v > 0 }) {
				var b bytes.Buffer
				put(&b, uint32(len(c.Spread)), c.Spread)
				secs = append(secs, section{tagSpread, b.Bytes()})
			}
			if e.KNN.Open.Prior > 0 {
				var b bytes.Buffer
				put(&b, e.KNN.Open.Prior)
				secs = append(secs, section{tagPrior, b.Bytes()})
			}
		}
	}
	if !e.Prep.IsDefault() {
		secs = append(secs, section{tagPrep, encodePrep(&e.Prep)})
	}
	var hdr bytes.Buffer
	hdr.WriteString(Magic)
	put(&hdr, uint16(Version), uint16(0), uint32(len(secs)))
	off := uint64(headerLen + entryLen*len(secs))
	for _, s := range secs {
		hdr.Write(s.tag[:])
		put(&hdr, crc32.Checksum(s.data, castagnoli), off, uint64(len(s.data)))
		off += uint64(len(s.data))
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	for _, s := range secs {
		if _, err := w.Write(s.data); err != nil {
			return err
		}
	}
	return nil
}

// EncodedSize is the number of bytes Encode writes for e.
func EncodedSize(e *Engine) (int, error) {
	var n countWriter
	err := Encode(&n, e)
	return int(n), err
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func orF32(d DType) DType {
	if d == 0 {
		return F32
	}
	return d
}

func put(b *bytes.Buffer, vs ...any) {
	for _, v := range vs {
		binary.Write(b, binary.LittleEndian, v) // bytes.Buffer writes never fail
	}
}

func putString(b *bytes.Buffer, s string) {
	put(b, uint16(len(s)))
	b.WriteString(s)
}

func encodeMeta(e *Engine) []byte {
	var b bytes.Buffer
	putString(&b, e.Name)
	putString(&b, e.Topology)
	in := e.Stack.In
	put(&b, uint32(in.C), uint32(in.H), uint32(in.W))
	return b.Bytes()
}

func encodeStrings(ss []string) []byte {
	var b bytes.Buffer
	put(&b, uint32(len(ss)))
	for _, s := range ss {
		putString(&b, s)
	}
	return b.Bytes()
}

// putMatrix stores rows x cols values in precision d; int8 rows carry a
// float32 scale each, written before the codes.
func putMatrix(b *bytes.Buffer, d DType, m []float32, rows, cols int) {
	switch d {
	case F16:
		for _, v := range m {
			put(b, f32ToF16(v))
		}
	case I8:
		codes := make([]int8, len(m))
		scales := make([]float32, rows)
		for r := 0; r < rows; r++ {
			scales[r] = quantizeRow(codes[r*cols:(r+1)*cols], m[r*cols:(r+1)*cols])
		}
		put(b, scales, codes)
	default:
		put(b, m)
	}
}

func encodeLayers(e *Engine) []byte {
	var b bytes.Buffer
	wt := orF32(e.WeightType)
	put(&b, uint32(len(e.Stack.Layers)))
	in := e.Stack.In
	shapes, _ := e.Stack.Shapes() // Validate passed
	for i, l := range e.Stack.Layers {
		rows, cols := l.WeightShape(in)
		d := F32
		if rows > 0 {
			d = wt
		}
		put(&b, uint8(l.Op), uint8(d), uint16(0), uint32(l.Out), uint32(l.Size))
		if rows > 0 {
			putMatrix(&b, d, l.W, rows, cols)
			put(&b, l.B)
		}
		in = shapes[i]
	}
	return b.Bytes()
}

func encodeProj(p *Projection, d DType) []byte {
	var b bytes.Buffer
	put(&b, uint32(p.In), uint32(p.Out), uint8(d), [3]byte{}, uint32(len(p.Mean)))
	put(&b, p.Mean)
	putMatrix(&b, d, p.W, p.Out, p.In)
	return b.Bytes()
}

func encodeKNN(e *Engine) []byte {
	var b bytes.Buffer
	s := e.KNN
	d := orF32(e.ProtoType)
	put(&b, uint32(s.K), uint8(s.Metric), uint8(d), uint8(s.Vote), uint8(0), uint32(s.Dim), uint32(s.Len()))
	putMatrix(&b, d, s.Vectors, s.Len(), s.Dim)
	for _, l := range s.Labels {
		put(&b, uint16(l))
	}
	return b.Bytes()
}

func encodeGauss(c *knn.Calibration, dim int) []byte {
	var b bytes.Buffer
	put(&b, uint32(dim), uint32(len(c.Means)/max(dim, 1)), c.Whiten, c.Means)
	return b.Bytes()
}

func encodeOpen(c *knn.Calibration) []byte {
	var b bytes.Buffer
	put(&b, c.Quantile, int32(c.Other), uint32(len(c.Radius)), c.Radius)
	return b.Bytes()
}

func encodePrep(p *Preprocess) []byte {
	var b bytes.Buffer
	put(&b, uint8(p.Mode), uint8(p.Fit), uint16(0), p.Pad)
	put(&b, uint32(len(p.Mean)), p.Mean, uint32(len(p.Scale)), p.Scale)
	return b.Bytes()
}
