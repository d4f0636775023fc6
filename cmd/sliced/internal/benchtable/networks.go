package benchtable

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// The realistic prototype set of a sliced engine.
const (
	ProtoDim   = 32
	Prototypes = 2000
	Classes    = 10
	K          = 9
)

// Hidden is the dense layer width of each topology's full CNN (the paper's
// Keras network for A, the widest of its LeNet variants for B).
func Hidden(t models.Topology) int {
	if t == models.B {
		return 64
	}
	return 128
}

// randomize fills every weight of s with N(0, 1/fan-in) and every bias
// with N(0, 0.01), deterministically from seed.
func randomize(s *nn.Stack, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := range s.Layers {
		l := &s.Layers[i]
		if len(l.W) == 0 {
			continue
		}
		sc := 1 / math.Sqrt(float64(len(l.W)/len(l.B)))
		for j := range l.W {
			l.W[j] = float32(rng.NormFloat64() * sc)
		}
		for j := range l.B {
			l.B[j] = float32(rng.NormFloat64() * 0.1)
		}
	}
}

// ConvStack is topology t's conv stack with random weights.
func ConvStack(t models.Topology) *nn.Stack {
	s := models.ConvStack(t)
	randomize(&s, 1)
	return &s
}

// FullCNN is topology t's full CNN with random weights; its conv layers
// equal ConvStack(t)'s.
func FullCNN(t models.Topology) *nn.Stack {
	s := models.FullCNN(t, Hidden(t), Classes)
	randomize(&s, 1)
	return &s
}

// Sliced is a sliced engine on ConvStack(t): a random projection to
// ProtoDim values and Prototypes prototypes drawn around Classes centres.
func Sliced(t models.Topology) (*engine.Engine, error) {
	s := ConvStack(t)
	out, err := s.Out()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(2, 2))
	proj := &engine.Projection{In: out.Len(), Out: ProtoDim, W: make([]float32, ProtoDim*out.Len())}
	sc := 1 / math.Sqrt(float64(out.Len()))
	for i := range proj.W {
		proj.W[i] = float32(rng.NormFloat64() * sc)
	}
	set := &knn.Set{K: K, Metric: knn.L2, Dim: ProtoDim}
	centres := make([]float32, Classes*ProtoDim)
	for i := range centres {
		centres[i] = float32(rng.NormFloat64())
	}
	for i := 0; i < Prototypes; i++ {
		c := i % Classes
		for j := 0; j < ProtoDim; j++ {
			set.Vectors = append(set.Vectors, centres[c*ProtoDim+j]+float32(rng.NormFloat64()*0.5))
		}
		set.Labels = append(set.Labels, c)
	}
	for c := 0; c < Classes; c++ {
		set.Classes = append(set.Classes, fmt.Sprint(c))
	}
	set.Prepare()
	e := &engine.Engine{Name: "bench-" + string(t), Topology: string(t), Stack: *s, Proj: proj, KNN: set,
		WeightType: engine.F32, ProtoType: engine.F32}
	return e, e.Validate()
}

// FullEngine wraps FullCNN(t) as a full-CNN engine.
func FullEngine(t models.Topology) (*engine.Engine, error) {
	e := &engine.Engine{Name: "bench-full-" + string(t), Topology: string(t), Stack: *FullCNN(t),
		WeightType: engine.F32}
	for c := 0; c < Classes; c++ {
		e.Classes = append(e.Classes, fmt.Sprint(c))
	}
	return e, e.Validate()
}

// StackFLOPs counts two FLOPs per multiply-add of the conv and dense
// layers of s (ReLU, pooling and softmax are not counted).
func StackFLOPs(s *nn.Stack) (float64, error) { return stackFLOPs(s, false) }

// BoundFLOPs is StackFLOPs with every 3x3 convolution of at least 8 input
// channels counted at the multiplies of Winograd F(4x4,3x3): 36 products
// per 4x4 outputs in place of 144, transforms not counted. At the core's
// peak it is the fastest the network can run with that algorithm.
func BoundFLOPs(s *nn.Stack) (float64, error) { return stackFLOPs(s, true) }

func stackFLOPs(s *nn.Stack, winograd bool) (float64, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return 0, err
	}
	var f float64
	in := s.In
	for i, l := range s.Layers {
		if rows, cols := l.WeightShape(in); rows > 0 {
			x := 2 * float64(rows*cols) * float64(shapes[i].H*shapes[i].W)
			if winograd && l.Op == nn.OpConv && l.Size == 3 && in.C >= 8 {
				x /= 4
			}
			f += x
		}
		in = shapes[i]
	}
	return f, nil
}

// EngineFLOPs is StackFLOPs plus, for a sliced engine, the projection and
// the distance to every prototype.
func EngineFLOPs(e *engine.Engine) (float64, error) { return engineFLOPs(e, false) }

// EngineBoundFLOPs is EngineFLOPs on BoundFLOPs.
func EngineBoundFLOPs(e *engine.Engine) (float64, error) { return engineFLOPs(e, true) }

func engineFLOPs(e *engine.Engine, winograd bool) (float64, error) {
	f, err := stackFLOPs(&e.Stack, winograd)
	if err != nil {
		return 0, err
	}
	if e.Proj != nil {
		f += 2 * float64(e.Proj.In*e.Proj.Out)
	}
	if e.KNN != nil {
		f += 2 * float64(e.KNN.Len()*e.KNN.Dim)
	}
	return f, nil
}
