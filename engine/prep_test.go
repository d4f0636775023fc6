package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

// rgbEngine is tinyEngine on a 3-channel input.
func rgbEngine() *Engine {
	e := tinyEngine(false, F32, F32)
	e.Stack.In = nn.Shape{C: 3, H: 6, W: 6}
	e.Stack.Layers[0].W = make([]float32, 2*3*3*3)
	return e
}

func TestPrepSectionRoundTrip(t *testing.T) {
	e := rgbEngine()
	e.Prep = Preprocess{Mode: PrepROI, Fit: FitCrop, Mean: []float32{0.5, 0.4, 0.3}, Scale: []float32{2}, Pad: 0.25}
	data := encode(t, e)
	if !bytes.Contains(data, []byte("PREP")) {
		t.Fatal("no PREP section written")
	}
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	p := got.Prep
	if p.Mode != PrepROI || p.Fit != FitCrop || p.Pad != 0.25 || !slices.Equal(p.Mean, e.Prep.Mean) || !slices.Equal(p.Scale, e.Prep.Scale) {
		t.Fatalf("decoded %+v", p)
	}
	if m, s := p.Norm(2); m != 0.3 || s != 2 {
		t.Errorf("Norm(2) = %v, %v", m, s)
	}
	if !bytes.Equal(encode(t, got), data) {
		t.Error("re-encoding changed the bytes")
	}
}

// Digit mode is the default and writes no section, so files from before
// PREP re-encode to the same bytes.
func TestPrepDefaultWritesNothing(t *testing.T) {
	e := tinyEngine(false, F32, F32)
	if bytes.Contains(encode(t, e), []byte("PREP")) {
		t.Fatal("a digit engine wrote PREP")
	}
	data, err := os.ReadFile("../models/mnist.slc")
	if err != nil {
		t.Skip(err)
	}
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Prep.IsDefault() || m.Stack.In != (nn.Shape{C: 1, H: 28, W: 28}) {
		t.Fatalf("mnist.slc: prep %+v, input %+v", m.Prep, m.Stack.In)
	}
	if !bytes.Equal(encode(t, m), data) {
		t.Error("mnist.slc re-encodes to other bytes")
	}
}

// A corrupt PREP is refused with the section named.
func TestPrepSectionRejects(t *testing.T) {
	e := rgbEngine()
	good := Preprocess{Mode: PrepWhole, Mean: []float32{0.5}}
	for name, c := range map[string]struct {
		body []byte
		want string
	}{
		"truncated": {encodePrep(&good)[:6], "needs"},
		"mode":      {encodePrep(&Preprocess{Mode: 9}), "unknown preprocessing"},
		"fit":       {encodePrep(&Preprocess{Mode: PrepWhole, Fit: 7}), "unknown fit"},
		"channels":  {encodePrep(&Preprocess{Mode: PrepWhole, Mean: []float32{1, 2}}), "normalisation values"},
		"count":     {encodePrep(&Preprocess{Mode: PrepWhole, Mean: []float32{1, 2, 3, 4}}), "limit"},
		"scale":     {encodePrep(&Preprocess{Mode: PrepWhole, Scale: []float32{0}}), "scale 0"},
		"trailing":  {append(encodePrep(&good), 0), "unexpected bytes"},
	} {
		var p Preprocess
		err := decodePrep(&p, e.Stack.In.C, &reader{sec: "PREP", b: c.body})
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Section != "PREP" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a PREP error with %q", name, err, c.want)
		}
	}
	// A whole-file decode names the section too.
	e.Prep = good
	data := encode(t, e)
	ent := data[bytes.Index(data, []byte("PREP")):]
	le := binary.LittleEndian
	off, n := le.Uint64(ent[8:]), le.Uint64(ent[16:])
	data[off] = 9 // unknown mode; the CRC is fixed so the body is what is judged
	le.PutUint32(ent[4:], crc32.Checksum(data[off:off+n], castagnoli))
	if _, err := Decode(data); err == nil || !strings.Contains(err.Error(), "PREP") {
		t.Errorf("a bad PREP mode decoded: %v", err)
	}
	// A gray stack cannot take RGB normalisation.
	g := tinyEngine(false, F32, F32)
	g.Prep = Preprocess{Mode: PrepROI, Mean: []float32{1, 2, 3}}
	if err := g.Validate(); err == nil {
		t.Error("3 means for a 1-channel input validated")
	}
}
