package models

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Topology names the paper's two networks. Both share the 18,816-parameter
// conv stack: conv1 32x3x3 and conv2 64x3x3 over 32 channels.
type Topology string

const (
	// A is Keras' mnist_cnn: conv-relu, conv-relu, maxpool -> 12x12x64 = 9216.
	A Topology = "A"
	// B is LeNet-like: conv-relu-maxpool, conv-relu-maxpool -> 5x5x64 = 1600.
	B Topology = "B"
)

// MNISTInput is the shape every topology takes: one 28x28 grey plane.
var MNISTInput = nn.Shape{C: 1, H: 28, W: 28}

// ConvParams is the size of the sliced engine's conv stack (the "74 KB").
const ConvParams = 18816

// ParseTopology accepts "A" or "B" (any case).
func ParseTopology(s string) (Topology, error) {
	switch s {
	case "A", "a":
		return A, nil
	case "B", "b":
		return B, nil
	}
	return "", fmt.Errorf("unknown topology %q (want A or B)", s)
}

// ConvStack returns the sliced conv stack of t with zero weights.
func ConvStack(t Topology) nn.Stack { return ConvStackFor(t, MNISTInput) }

// ConvStackFor is ConvStack on another input shape (CHW): the first conv
// takes in.C channels, the rest of the stack is the same layers.
func ConvStackFor(t Topology, in nn.Shape) nn.Stack {
	conv := func(out, in int) nn.Layer {
		return nn.Layer{Op: nn.OpConv, Out: out, Size: 3, W: make([]float32, out*in*9), B: make([]float32, out)}
	}
	relu := nn.Layer{Op: nn.OpReLU}
	pool := nn.Layer{Op: nn.OpMaxPool, Size: 2}
	s := nn.Stack{In: in}
	switch t {
	case B:
		s.Layers = []nn.Layer{conv(32, in.C), relu, pool, conv(64, 32), relu, pool}
	default:
		s.Layers = []nn.Layer{conv(32, in.C), relu, conv(64, 32), relu, pool}
	}
	return s
}

// FullCNN returns topology t with its dense head (hidden units, then 10
// classes and softmax) and zero weights. The paper used hidden = 128 for A
// and 64, 32, 16 or 8 for B.
func FullCNN(t Topology, hidden, classes int) nn.Stack {
	return FullCNNFor(t, MNISTInput, hidden, classes)
}

// FullCNNFor is FullCNN on another input shape (CHW).
func FullCNNFor(t Topology, in nn.Shape, hidden, classes int) nn.Stack {
	s := ConvStackFor(t, in)
	flat, _ := s.Out()
	s.Layers = append(s.Layers,
		nn.Layer{Op: nn.OpDense, Out: hidden, W: make([]float32, hidden*flat.Len()), B: make([]float32, hidden)},
		nn.Layer{Op: nn.OpReLU},
		nn.Layer{Op: nn.OpDense, Out: classes, W: make([]float32, classes*hidden), B: make([]float32, classes)},
		nn.Layer{Op: nn.OpSoftmax},
	)
	return s
}

// ConvLayers is how many leading layers of a FullCNN stack form its conv
// stack: slicing the full network keeps exactly these.
func ConvLayers(t Topology) int {
	if t == B {
		return 6
	}
	return 5
}
