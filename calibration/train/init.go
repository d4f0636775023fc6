package train

import (
	"math"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Init fills the weights of every conv and dense layer from seed: He
// uniform (limit sqrt(6/fanIn)) for a layer followed by a ReLU, Glorot
// uniform (limit sqrt(6/(fanIn+fanOut))) otherwise, as for the logits.
// Biases start at zero. The stack must be valid (see nn.Stack.Shapes).
func Init(s *nn.Stack, seed uint64) error {
	shapes, err := s.Shapes()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, 0x1417))
	in := s.In
	for i := range s.Layers {
		l := &s.Layers[i]
		rows, cols := l.WeightShape(in)
		in = shapes[i]
		if rows == 0 {
			continue
		}
		fanIn, fanOut := cols, rows
		if l.Op == nn.OpConv {
			fanOut = rows * l.Size * l.Size
		}
		limit := math.Sqrt(6 / float64(fanIn+fanOut))
		if i+1 < len(s.Layers) && s.Layers[i+1].Op == nn.OpReLU {
			limit = math.Sqrt(6 / float64(fanIn))
		}
		for j := range l.W {
			l.W[j] = float32((2*r.Float64() - 1) * limit)
		}
		clear(l.B)
	}
	return nil
}
