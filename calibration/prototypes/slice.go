package prototypes

import (
	"errors"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Slice cuts a full CNN before its first dense layer: what is left is the
// conv stack whose activations the k-NN classifies.
func Slice(full nn.Stack) (nn.Stack, error) {
	for i, l := range full.Layers {
		if l.Op == nn.OpDense {
			if i == 0 {
				return nn.Stack{}, errors.New("slice: the network starts with a dense layer: no conv stack to keep")
			}
			return nn.Stack{In: full.In, Layers: full.Layers[:i]}, nil
		}
	}
	return nn.Stack{}, errors.New("slice: no dense layer: this is not a full CNN")
}
