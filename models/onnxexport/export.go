package onnxexport

import (
	"errors"
	"fmt"
	"io"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Names of the graph's one input and one output.
const (
	InputName  = "input"
	OutputName = "output"
)

// DefaultOpset is read by OpenVINO 2022.3's MYRIAD plugin and TensorRT 8.2.
const DefaultOpset = 11

// irVersion is the lowest ONNX IR version that carries each opset, so that
// older runtimes accept the file.
var irVersion = map[int]int64{9: 4, 10: 5, 11: 6, 12: 7, 13: 7}

// Options tune the exported graph. The zero value exports at DefaultOpset
// with a batch dimension of 1.
type Options struct {
	Opset        int    // 9 to 13; 0 means DefaultOpset
	DynamicBatch bool   // batch dimension "N" instead of 1
	Name         string // graph name; "sliced" when empty
}

// Export encodes s as an ONNX protobuf.
func Export(s *nn.Stack, opt Options) ([]byte, error) {
	m, err := Model(s, opt)
	if err != nil {
		return nil, err
	}
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("onnxexport: encode: %w", err)
	}
	return b, nil
}

// Write encodes s as an ONNX protobuf onto w.
func Write(w io.Writer, s *nn.Stack, opt Options) error {
	b, err := Export(s, opt)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Model builds the ONNX model of s without encoding it.
func Model(s *nn.Stack, opt Options) (*onnx.ModelProto, error) {
	if s == nil {
		return nil, errors.New("onnxexport: nil stack")
	}
	opset := opt.Opset
	if opset == 0 {
		opset = DefaultOpset
	}
	ir, ok := irVersion[opset]
	if !ok {
		return nil, fmt.Errorf("onnxexport: opset %d not supported (want 9 to 13)", opset)
	}
	shapes, err := s.Shapes()
	if err != nil {
		return nil, fmt.Errorf("onnxexport: %w", err)
	}
	name := opt.Name
	if name == "" {
		name = "sliced"
	}
	var batch *onnx.TensorShapeProto_Dimension
	if opt.DynamicBatch {
		batch = dimParam("N")
	} else {
		batch = dimValue(1)
	}

	g := &graph{GraphProto: &onnx.GraphProto{Name: name}}
	cur, flat := InputName, false
	in := s.In
	for i, l := range s.Layers {
		out := shapes[i]
		if cur, flat, err = g.layer(i, l, cur, flat, in); err != nil {
			return nil, fmt.Errorf("onnxexport: layer %d (%v): %w", i, l.Op, err)
		}
		in = out
	}
	if !flat {
		cur = g.flatten(cur)
	}
	g.rename(cur, OutputName)

	g.Input = []*onnx.ValueInfoProto{valueInfo(InputName, batch,
		dimValue(int64(s.In.C)), dimValue(int64(s.In.H)), dimValue(int64(s.In.W)))}
	g.Output = []*onnx.ValueInfoProto{valueInfo(OutputName, batch, dimValue(int64(in.Len())))}
	return &onnx.ModelProto{
		IrVersion:       ir,
		OpsetImport:     []*onnx.OperatorSetIdProto{{Domain: "", Version: int64(opset)}},
		ProducerName:    "sliced",
		ProducerVersion: "1",
		Graph:           g.GraphProto,
	}, nil
}

// layer appends the nodes of one layer reading tensor cur (2-D when flat)
// and returns the name of the tensor it produces.
func (g *graph) layer(i int, l nn.Layer, cur string, flat bool, in nn.Shape) (string, bool, error) {
	switch l.Op {
	case nn.OpConv:
		if flat {
			return "", false, errors.New("convolution after a dense layer cannot be exported")
		}
		w := g.initializer(fmt.Sprintf("l%d.weight", i), l.W, int64(l.Out), int64(in.C), int64(l.Size), int64(l.Size))
		b := g.initializer(fmt.Sprintf("l%d.bias", i), l.B, int64(l.Out))
		k := int64(l.Size)
		return g.node("Conv", i, []string{cur, w, b},
			ints("kernel_shape", k, k), ints("strides", 1, 1), ints("pads", 0, 0, 0, 0),
			ints("dilations", 1, 1), integer("group", 1)), false, nil
	case nn.OpMaxPool:
		if flat {
			return "", false, errors.New("max pooling after a dense layer cannot be exported")
		}
		k := int64(l.Size)
		return g.node("MaxPool", i, []string{cur},
			ints("kernel_shape", k, k), ints("strides", k, k), ints("pads", 0, 0, 0, 0)), false, nil
	case nn.OpReLU:
		return g.node("Relu", i, []string{cur}), flat, nil
	case nn.OpDense:
		if !flat {
			cur = g.flatten(cur)
		}
		w := g.initializer(fmt.Sprintf("l%d.weight", i), l.W, int64(l.Out), int64(in.Len()))
		b := g.initializer(fmt.Sprintf("l%d.bias", i), l.B, int64(l.Out))
		return g.node("Gemm", i, []string{cur, w, b},
			float("alpha", 1), float("beta", 1), integer("transB", 1)), true, nil
	case nn.OpSoftmax:
		// nn.Softmax normalises over every value of the tensor: flatten
		// first so that opset 13's per-axis semantics give the same.
		if !flat {
			cur = g.flatten(cur)
		}
		return g.node("Softmax", i, []string{cur}, integer("axis", 1)), true, nil
	}
	return "", false, fmt.Errorf("op %v has no ONNX mapping", l.Op)
}
