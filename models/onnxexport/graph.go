package onnxexport

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// graph accumulates nodes and initializers under unique tensor names.
type graph struct {
	*onnx.GraphProto
	flattens int
}

// node appends one node named after the layer index and returns its output.
func (g *graph) node(op string, layer int, inputs []string, attrs ...*onnx.AttributeProto) string {
	name := fmt.Sprintf("l%d.%s", layer, op)
	g.Node = append(g.Node, &onnx.NodeProto{
		Name:      name,
		OpType:    op,
		Input:     inputs,
		Output:    []string{name},
		Attribute: attrs,
	})
	return name
}

// flatten appends a Flatten(axis=1): [N,C,H,W] to [N,C*H*W] in CHW order.
func (g *graph) flatten(in string) string {
	g.flattens++
	name := fmt.Sprintf("flatten%d", g.flattens)
	g.Node = append(g.Node, &onnx.NodeProto{
		Name:      name,
		OpType:    "Flatten",
		Input:     []string{in},
		Output:    []string{name},
		Attribute: []*onnx.AttributeProto{integer("axis", 1)},
	})
	return name
}

// rename makes the last node write the graph output under its public name.
func (g *graph) rename(from, to string) {
	last := g.Node[len(g.Node)-1]
	if last.Output[0] == from {
		last.Output[0] = to
	}
}

// initializer stores v as a little-endian float32 tensor of the given dims.
func (g *graph) initializer(name string, v []float32, dims ...int64) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	g.Initializer = append(g.Initializer, &onnx.TensorProto{
		Name:     name,
		Dims:     dims,
		DataType: int32(onnx.TensorProto_FLOAT),
		RawData:  raw,
	})
	return name
}

func valueInfo(name string, dims ...*onnx.TensorShapeProto_Dimension) *onnx.ValueInfoProto {
	return &onnx.ValueInfoProto{
		Name: name,
		Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{
			ElemType: int32(onnx.TensorProto_FLOAT),
			Shape:    &onnx.TensorShapeProto{Dim: dims},
		}}},
	}
}

func dimValue(v int64) *onnx.TensorShapeProto_Dimension {
	return &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimValue{DimValue: v}}
}

func dimParam(p string) *onnx.TensorShapeProto_Dimension {
	return &onnx.TensorShapeProto_Dimension{Value: &onnx.TensorShapeProto_Dimension_DimParam{DimParam: p}}
}

func ints(name string, v ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INTS, Ints: v}
}

func integer(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INT, I: v}
}

func float(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_FLOAT, F: v}
}
