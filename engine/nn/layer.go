package nn

import (
	"errors"
	"fmt"
)

// Op names a layer kind. The values are stored in engine files: never renumber.
type Op uint8

const (
	OpConv    Op = 1 // 2-D convolution, stride 1, no padding
	OpReLU    Op = 2
	OpMaxPool Op = 3 // non-overlapping Size x Size window, remainder dropped
	OpDense   Op = 4
	OpSoftmax Op = 5
)

func (o Op) String() string {
	switch o {
	case OpConv:
		return "conv"
	case OpReLU:
		return "relu"
	case OpMaxPool:
		return "maxpool"
	case OpDense:
		return "dense"
	case OpSoftmax:
		return "softmax"
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Layer is one step of a Stack.
//
// Conv: Out filters of Size x Size over all input channels; W is
// Out x (InC*Size*Size) row-major (filter, channel, row, column), B has Out
// entries. Dense: W is Out x In, B has Out entries. MaxPool: Size is the
// window. ReLU and Softmax carry nothing.
type Layer struct {
	Op   Op
	Out  int
	Size int
	W    []float32
	B    []float32
}

// Shape is a CHW tensor shape. A flat vector of n values is {n, 1, 1}.
type Shape struct{ C, H, W int }

// Len is the number of values in a tensor of this shape.
func (s Shape) Len() int { return s.C * s.H * s.W }

func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// Stack is a feed-forward network: an input shape and its layers.
type Stack struct {
	In     Shape
	Layers []Layer
}

// Limits that keep a hostile or corrupt stack from asking for absurd memory.
const (
	MaxDim    = 1 << 14 // any single dimension
	MaxValues = 1 << 26 // values in any one tensor or weight matrix
	MaxLayers = 64
)

var errEmpty = errors.New("nn: empty layer stack")

// Shapes checks the stack and returns the shape after each layer
// (Shapes()[i] is the output of Layers[i]).
func (s *Stack) Shapes() ([]Shape, error) {
	if len(s.Layers) == 0 {
		return nil, errEmpty
	}
	if len(s.Layers) > MaxLayers {
		return nil, fmt.Errorf("nn: %d layers, more than the limit of %d", len(s.Layers), MaxLayers)
	}
	cur := s.In
	if err := checkShape(cur); err != nil {
		return nil, fmt.Errorf("nn: input %v: %w", cur, err)
	}
	out := make([]Shape, len(s.Layers))
	for i, l := range s.Layers {
		next, err := l.outShape(cur)
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d (%v) on input %v: %w", i, l.Op, cur, err)
		}
		if err := checkShape(next); err != nil {
			return nil, fmt.Errorf("nn: layer %d (%v) output %v: %w", i, l.Op, next, err)
		}
		out[i], cur = next, next
	}
	return out, nil
}

// Out is the shape the whole stack produces.
func (s *Stack) Out() (Shape, error) {
	sh, err := s.Shapes()
	if err != nil {
		return Shape{}, err
	}
	return sh[len(sh)-1], nil
}

// Params counts weights and biases.
func (s *Stack) Params() int {
	n := 0
	for _, l := range s.Layers {
		n += len(l.W) + len(l.B)
	}
	return n
}

func checkShape(s Shape) error {
	if s.C <= 0 || s.H <= 0 || s.W <= 0 {
		return errors.New("non-positive dimension")
	}
	if s.C > MaxDim || s.H > MaxDim || s.W > MaxDim || s.Len() > MaxValues {
		return errors.New("tensor too large")
	}
	return nil
}

// WeightShape is the (rows, cols) of a layer's W for a given input shape,
// or (0, 0) for layers without weights.
func (l Layer) WeightShape(in Shape) (rows, cols int) {
	switch l.Op {
	case OpConv:
		return l.Out, in.C * l.Size * l.Size
	case OpDense:
		return l.Out, in.Len()
	}
	return 0, 0
}

func (l Layer) outShape(in Shape) (Shape, error) {
	var out Shape
	switch l.Op {
	case OpConv:
		if l.Size <= 0 || l.Size > in.H || l.Size > in.W {
			return out, fmt.Errorf("kernel size %d does not fit", l.Size)
		}
		if l.Out <= 0 || l.Out > MaxDim {
			return out, fmt.Errorf("%d filters", l.Out)
		}
		out = Shape{l.Out, in.H - l.Size + 1, in.W - l.Size + 1}
	case OpDense:
		if l.Out <= 0 || l.Out > MaxDim {
			return out, fmt.Errorf("%d units", l.Out)
		}
		out = Shape{l.Out, 1, 1}
	case OpMaxPool:
		if l.Size <= 0 || l.Size > in.H || l.Size > in.W {
			return out, fmt.Errorf("pool size %d does not fit", l.Size)
		}
		out = Shape{in.C, in.H / l.Size, in.W / l.Size}
	case OpReLU, OpSoftmax:
		out = in
	default:
		return out, fmt.Errorf("unknown op %d", uint8(l.Op))
	}
	if rows, cols := l.WeightShape(in); rows > 0 {
		if int64(rows)*int64(cols) > MaxValues {
			return out, fmt.Errorf("weight matrix %dx%d too large", rows, cols)
		}
		if len(l.W) != rows*cols {
			return out, fmt.Errorf("weights: have %d values, want %dx%d", len(l.W), rows, cols)
		}
		if len(l.B) != rows {
			return out, fmt.Errorf("bias: have %d values, want %d", len(l.B), rows)
		}
	} else if len(l.W) != 0 || len(l.B) != 0 {
		return out, errors.New("carries weights it does not use")
	}
	return out, nil
}
