package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Scheme is how Init draws the first weights.
type Scheme int

const (
	// Glorot is uniform in +-sqrt(6/(fanIn+fanOut)) for every layer:
	// Keras' default, which mnist_cnn was tuned with.
	Glorot Scheme = iota
	// He is uniform in +-sqrt(6/fanIn) for a layer followed by a ReLU
	// (Glorot for the others, such as the logits).
	He
)

// ParseScheme accepts "glorot" or "he".
func ParseScheme(s string) (Scheme, error) {
	switch s {
	case "glorot":
		return Glorot, nil
	case "he":
		return He, nil
	}
	return 0, fmt.Errorf("train: unknown initialisation %q (want glorot or he)", s)
}

func (s Scheme) String() string {
	if s == He {
		return "he"
	}
	return "glorot"
}

// Init fills the weights of every conv and dense layer from seed with the
// given scheme; a conv's fan-out counts its filters times the kernel area,
// as in Keras. Biases start at zero. The stack must be valid.
func Init(s *nn.Stack, seed uint64, scheme Scheme) error {
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
		if scheme == He && i+1 < len(s.Layers) && s.Layers[i+1].Op == nn.OpReLU {
			limit = math.Sqrt(6 / float64(fanIn))
		}
		for j := range l.W {
			l.W[j] = float32((2*r.Float64() - 1) * limit)
		}
		clear(l.B)
	}
	return nil
}
