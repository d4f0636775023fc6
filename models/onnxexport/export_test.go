package onnxexport

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// randomize fills every weight and bias with values in [-0.5, 0.5).
func randomize(s *nn.Stack, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range s.Layers {
		for j := range s.Layers[i].W {
			s.Layers[i].W[j] = r.Float32() - 0.5
		}
		for j := range s.Layers[i].B {
			s.Layers[i].B[j] = r.Float32() - 0.5
		}
	}
}

func decode(t *testing.T, b []byte) *onnx.ModelProto {
	t.Helper()
	m := &onnx.ModelProto{}
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatalf("exported bytes do not decode: %v", err)
	}
	return m
}

func opTypes(m *onnx.ModelProto) []string {
	var ops []string
	for _, n := range m.Graph.Node {
		ops = append(ops, n.OpType)
	}
	return ops
}

func dims(v *onnx.ValueInfoProto) []string {
	var out []string
	for _, d := range v.Type.GetTensorType().Shape.Dim {
		if p := d.GetDimParam(); p != "" {
			out = append(out, p)
		} else {
			out = append(out, strconv.FormatInt(d.GetDimValue(), 10))
		}
	}
	return out
}

func TestExportGraphs(t *testing.T) {
	cases := []struct {
		name  string
		stack nn.Stack
		ops   []string
		out   int64
	}{
		{"fullA", models.FullCNN(models.A, 128, 10),
			[]string{"Conv", "Relu", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"}, 10},
		{"fullB", models.FullCNN(models.B, 32, 10),
			[]string{"Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"}, 10},
		{"convA", models.ConvStack(models.A),
			[]string{"Conv", "Relu", "Conv", "Relu", "MaxPool", "Flatten"}, 9216},
		{"convB", models.ConvStack(models.B),
			[]string{"Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten"}, 1600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Export(&c.stack, Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := decode(t, b)
			if got := opTypes(m); !reflect.DeepEqual(got, c.ops) {
				t.Errorf("nodes %v, want %v", got, c.ops)
			}
			if m.IrVersion != 6 || len(m.OpsetImport) != 1 || m.OpsetImport[0].Version != 11 {
				t.Errorf("ir %d opset %v, want ir 6 opset 11", m.IrVersion, m.OpsetImport)
			}
			g := m.Graph
			if len(g.Input) != 1 || g.Input[0].Name != InputName || len(g.Output) != 1 || g.Output[0].Name != OutputName {
				t.Fatalf("inputs %v outputs %v", g.Input, g.Output)
			}
			if got := g.Node[len(g.Node)-1].Output[0]; got != OutputName {
				t.Errorf("last node writes %q, want %q", got, OutputName)
			}
			in := g.Input[0].Type.GetTensorType().Shape.Dim
			if len(in) != 4 || in[0].GetDimValue() != 1 || in[1].GetDimValue() != 1 || in[2].GetDimValue() != 28 || in[3].GetDimValue() != 28 {
				t.Errorf("input shape %v, want [1,1,28,28]", in)
			}
			out := g.Output[0].Type.GetTensorType().Shape.Dim
			if len(out) != 2 || out[1].GetDimValue() != c.out {
				t.Errorf("output shape %v, want [1,%d]", out, c.out)
			}
		})
	}
}

// TestInitializersCarryWeights checks the raw bytes and dims of every
// initializer against the stack's own weights.
func TestInitializersCarryWeights(t *testing.T) {
	s := models.FullCNN(models.B, 16, 10)
	randomize(&s, 7)
	m, err := Model(&s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*onnx.TensorProto{}
	for _, ini := range m.Graph.Initializer {
		byName[ini.Name] = ini
	}
	shapes, _ := s.Shapes()
	in := s.In
	for i, l := range s.Layers {
		if rows, cols := l.WeightShape(in); rows > 0 {
			w := byName["l"+strconv.Itoa(i)+".weight"]
			b := byName["l"+strconv.Itoa(i)+".bias"]
			if w == nil || b == nil {
				t.Fatalf("layer %d: no initializers", i)
			}
			n := int64(1)
			for _, d := range w.Dims {
				n *= d
			}
			if n != int64(rows*cols) || w.Dims[0] != int64(rows) {
				t.Errorf("layer %d: weight dims %v, want %d x %d", i, w.Dims, rows, cols)
			}
			if got := floats(w.RawData); !reflect.DeepEqual(got, l.W) {
				t.Errorf("layer %d: weights differ", i)
			}
			if got := floats(b.RawData); !reflect.DeepEqual(got, l.B) {
				t.Errorf("layer %d: biases differ", i)
			}
		}
		in = shapes[i]
	}
}

func floats(raw []byte) []float32 {
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

func TestOptions(t *testing.T) {
	s := models.ConvStack(models.B)
	m, err := Model(&s, Options{Opset: 13, DynamicBatch: true, Name: "convB"})
	if err != nil {
		t.Fatal(err)
	}
	if m.IrVersion != 7 || m.OpsetImport[0].Version != 13 || m.Graph.Name != "convB" {
		t.Errorf("ir %d opset %d name %q", m.IrVersion, m.OpsetImport[0].Version, m.Graph.Name)
	}
	if got := dims(m.Graph.Input[0]); got[0] != "N" {
		t.Errorf("input dims %v, want a symbolic batch", got)
	}
	if got := dims(m.Graph.Output[0]); got[0] != "N" {
		t.Errorf("output dims %v, want a symbolic batch", got)
	}
	var buf bytes.Buffer
	if err := Write(&buf, &s, Options{}); err != nil {
		t.Fatal(err)
	}
	want, _ := Export(&s, Options{})
	if !bytes.Equal(buf.Bytes(), want) {
		t.Error("Write and Export disagree")
	}
}

func TestBadInput(t *testing.T) {
	good := models.ConvStack(models.A)
	convAfterDense := nn.Stack{In: nn.Shape{C: 4, H: 1, W: 1}, Layers: []nn.Layer{
		{Op: nn.OpDense, Out: 4, W: make([]float32, 16), B: make([]float32, 4)},
		{Op: nn.OpConv, Out: 1, Size: 1, W: make([]float32, 4), B: make([]float32, 1)},
	}}
	bad := models.ConvStack(models.A)
	bad.Layers[0].W = bad.Layers[0].W[:5]
	cases := []struct {
		name  string
		stack *nn.Stack
		opt   Options
		want  string
	}{
		{"nil", nil, Options{}, "nil stack"},
		{"opset", &good, Options{Opset: 8}, "opset 8"},
		{"weights", &bad, Options{}, "weights"},
		{"empty", &nn.Stack{In: models.MNISTInput}, Options{}, "empty"},
		{"conv after dense", &convAfterDense, Options{}, "after a dense"},
	}
	for _, c := range cases {
		_, err := Export(c.stack, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
