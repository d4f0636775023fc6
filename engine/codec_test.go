package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func encode(t testing.TB, e *Engine) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, e); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	for _, c := range []struct {
		w, p DType
		tol  float64
	}{{F32, F32, 0}, {F16, F16, 2e-3}, {I8, I8, 0.03}, {I8, F16, 0.03}} {
		e := testEngine(7, 40, true)
		e.WeightType, e.ProtoType = c.w, c.p
		data := encode(t, e)
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("%v/%v: %v", c.w, c.p, err)
		}
		if got.Name != e.Name || got.Topology != e.Topology || got.WeightType != c.w || got.ProtoType != c.p {
			t.Fatalf("%v/%v: header %+v", c.w, c.p, got)
		}
		for i, l := range e.Stack.Layers {
			g := got.Stack.Layers[i]
			if g.Op != l.Op || g.Out != l.Out || g.Size != l.Size || len(g.W) != len(l.W) {
				t.Fatalf("layer %d: %+v vs %+v", i, g, l)
			}
			if d := maxAbsDiff(g.W, l.W); d > c.tol*2 {
				t.Errorf("%v: layer %d weights differ by %g", c.w, i, d)
			}
		}
		if d := maxAbsDiff(got.KNN.Vectors, e.KNN.Vectors); d > c.tol*4 {
			t.Errorf("%v: prototypes differ by %g", c.p, d)
		}
		if !equalInts(got.KNN.Labels, e.KNN.Labels) || strings.Join(got.KNN.Classes, ",") != "zero,one,two" {
			t.Errorf("labels or classes differ")
		}
		// Re-encoding what was decoded is stable.
		if again := encode(t, got); !bytes.Equal(again, data) {
			t.Errorf("%v/%v: re-encoding changed the bytes", c.w, c.p)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestF16(t *testing.T) {
	for _, v := range []float32{0, 1, -2.5, 65504, 1e-5, -3.0517578e-05, 0.333333} {
		got := f16ToF32(f32ToF16(v))
		if math.Abs(float64(got-v)) > math.Abs(float64(v))*1e-3+6e-8 {
			t.Errorf("%v -> %v", v, got)
		}
	}
	if !math.IsInf(float64(f16ToF32(f32ToF16(1e6))), 1) {
		t.Error("overflow should give +Inf")
	}
}

func TestDecodeRejects(t *testing.T) {
	good := encode(t, testEngine(3, 10, false))
	le := binary.LittleEndian
	resum := func(b []byte, sec int) {
		ent := b[headerLen+sec*entryLen:]
		off, n := le.Uint64(ent[8:]), le.Uint64(ent[16:])
		le.PutUint32(ent[4:], crc32.Checksum(b[off:off+n], castagnoli))
	}
	mut := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	// Section 3 is KNN_ (no projection): k, metric, dtype, pad, dim, count.
	knnOff := func(b []byte) int { return int(le.Uint64(b[headerLen+3*entryLen+8:])) }
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":       {nil, "bad magic"},
		"text":        {[]byte("hello world, not an engine"), "bad magic"},
		"version":     {mut(func(b []byte) { b[8] = 9 }), "format version 9"},
		"truncated":   {good[:len(good)-10], "truncated"},
		"table":       {good[:headerLen+5], "truncated section table"},
		"bitflip":     {mut(func(b []byte) { b[len(b)-3] ^= 0x40 }), "checksum mismatch"},
		"sections":    {mut(func(b []byte) { le.PutUint32(b[12:], 1<<30) }), "sections"},
		"prototypes":  {mut(func(b []byte) { le.PutUint32(b[knnOff(b)+12:], 1<<30); resum(b, 3) }), "prototype count"},
		"prototypes2": {mut(func(b []byte) { le.PutUint32(b[knnOff(b)+12:], 1<<16); resum(b, 3) }), "truncated or absurd"},
		"metric":      {mut(func(b []byte) { b[knnOff(b)+4] = 77; resum(b, 3) }), "metric"},
	}
	for name, c := range cases {
		_, err := Decode(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
	if _, err := Decode([]byte("nope")); !errors.Is(err, ErrNotEngine) {
		t.Errorf("want ErrNotEngine, got %v", err)
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "e.slc")
	e := testEngine(4, 12, true)
	if err := Save(path, e); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.KNN.Len() != 12 {
		t.Fatalf("%d prototypes", got.KNN.Len())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	if _, err := Load(dir); err == nil {
		t.Fatal("loading a directory should fail")
	}
	os.WriteFile(path, []byte("garbage"), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error should name the file: %v", err)
	}
}

// tinyEngine is a complete engine in a few hundred bytes: the fuzzer's
// coverage build slows down sharply with the input's size.
func tinyEngine(proj bool, w, p DType) *Engine {
	conv := nn.Layer{Op: nn.OpConv, Out: 2, Size: 3, W: make([]float32, 18), B: []float32{0.1, -0.1}}
	for i := range conv.W {
		conv.W[i] = float32(i%5) - 2
	}
	e := &Engine{Name: "t", Topology: "tiny", WeightType: w, ProtoType: p, Stack: nn.Stack{In: nn.Shape{C: 1, H: 6, W: 6},
		Layers: []nn.Layer{conv, {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2}}}}
	dim := 8
	if proj {
		e.Proj = &Projection{In: 8, Out: 2, W: []float32{1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1}}
		dim = 2
	}
	set := &knn.Set{K: 3, Metric: knn.L2, Dim: dim, Classes: []string{"a", "b"}}
	for i := 0; i < 4; i++ {
		for j := 0; j < dim; j++ {
			set.Vectors = append(set.Vectors, float32(i*j))
		}
		set.Labels = append(set.Labels, i%2)
	}
	e.KNN = set
	return e
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(f, tinyEngine(false, F32, F32)))
	f.Add(encode(f, tinyEngine(true, I8, F16)))
	full := tinyEngine(false, F16, F32)
	full.KNN = nil
	full.Classes = []string{"x", "y"}
	full.Stack.Layers = append(full.Stack.Layers, nn.Layer{Op: nn.OpDense, Out: 2, W: make([]float32, 16), B: []float32{0, 1}}, nn.Layer{Op: nn.OpSoftmax})
	f.Add(encode(f, full))
	scene := rgbEngine()
	scene.Prep = Preprocess{Mode: PrepROI, Fit: FitCrop, Mean: []float32{0.5, 0.5, 0.5}, Scale: []float32{2}}
	f.Add(encode(f, scene))
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes must run (when it is cheap enough to run here)
		// and encode again to the same engine.
		if macs, err := Cost(&e.Stack); err != nil {
			t.Fatalf("decoded engine breaks the limits: %v", err)
		} else if macs < 1e6 && (e.KNN == nil || e.KNN.Len()*e.KNN.Dim < 1e6) {
			s, err := e.NewSession()
			if err != nil {
				t.Fatalf("decoded engine does not run: %v", err)
			}
			if _, err := s.Classify(make([]float32, e.Stack.In.Len())); err != nil && (e.KNN == nil || e.KNN.Len() > 0) {
				t.Fatalf("classify: %v", err)
			}
		}
		var b bytes.Buffer
		if err := Encode(&b, e); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := Decode(b.Bytes())
		if err != nil {
			t.Fatalf("re-encoded engine does not decode: %v", err)
		}
		if again.Stack.Params() != e.Stack.Params() || again.Kind() != e.Kind() {
			t.Fatalf("round trip changed the engine")
		}
	})
}

func TestCostLimits(t *testing.T) {
	e := testEngine(1, 3, false)
	macs, err := Cost(&e.Stack)
	// conv1 8x1x9 over 26x26, conv2 16x8x9 over 11x11.
	if want := int64(26*26*9*8 + 11*11*72*16); err != nil || macs != want {
		t.Fatalf("cost %d %v, want %d", macs, err, want)
	}
	big := testEngine(1, 3, false)
	big.Stack.In.H, big.Stack.In.W = 2000, 2000
	if _, err := Cost(&big.Stack); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("a 2000x2000 input: %v", err)
	}
}
