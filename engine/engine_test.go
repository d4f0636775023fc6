package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// testStack is topology B's conv stack, built here to keep engine free of
// an import of models.
func testStack(rng *rand.Rand) nn.Stack {
	conv := func(out, in int) nn.Layer {
		l := nn.Layer{Op: nn.OpConv, Out: out, Size: 3, W: make([]float32, out*in*9), B: make([]float32, out)}
		for i := range l.W {
			l.W[i] = float32(rng.NormFloat64()) * 0.3
		}
		for i := range l.B {
			l.B[i] = float32(rng.NormFloat64()) * 0.1
		}
		return l
	}
	return nn.Stack{In: nn.Shape{C: 1, H: 28, W: 28}, Layers: []nn.Layer{
		conv(8, 1), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
		conv(16, 8), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
	}}
}

func testEngine(seed uint64, protos int, proj bool) *Engine {
	rng := rand.New(rand.NewPCG(seed, 1))
	e := &Engine{Name: "test", Topology: "B", Stack: testStack(rng)}
	dim := 16 * 5 * 5
	if proj {
		p := &Projection{In: dim, Out: 12, Mean: make([]float32, dim), W: make([]float32, dim*12)}
		for i := range p.Mean {
			p.Mean[i] = rng.Float32()
		}
		for i := range p.W {
			p.W[i] = float32(rng.NormFloat64())
		}
		e.Proj, dim = p, 12
	}
	s := &knn.Set{K: 3, Metric: knn.L2, Dim: dim, Classes: []string{"zero", "one", "two"}}
	for i := 0; i < protos; i++ {
		for j := 0; j < dim; j++ {
			s.Vectors = append(s.Vectors, float32(rng.NormFloat64()))
		}
		s.Labels = append(s.Labels, i%3)
	}
	s.Prepare()
	e.KNN = s
	return e
}

func testInput(seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	in := make([]float32, 28*28)
	for i := range in {
		in[i] = rng.Float32()
	}
	return in
}

func TestSessionClassify(t *testing.T) {
	e := testEngine(1, 30, true)
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Classify(testInput(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Neighbors) != 3 || p.Class != e.KNN.Classes[p.Label] {
		t.Fatalf("prediction %+v", p)
	}
	// The vote must agree with a brute-force search over the features.
	feat, _ := s.Features(testInput(3))
	best, bestD := -1, math.Inf(1)
	for i := 0; i < e.KNN.Len(); i++ {
		var d float64
		for j, v := range feat {
			x := float64(v - e.KNN.Vectors[i*e.KNN.Dim+j])
			d += x * x
		}
		if d < bestD {
			best, bestD = i, d
		}
	}
	if p.Neighbors[0].Index != best {
		t.Fatalf("nearest prototype %d, brute force says %d", p.Neighbors[0].Index, best)
	}
	if got := float64(p.Neighbors[0].Dist); math.Abs(got-math.Sqrt(bestD)) > 1e-3*math.Sqrt(bestD) {
		t.Fatalf("distance %v, brute force %v", got, math.Sqrt(bestD))
	}
}

func TestFullCNNArgmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	st := testStack(rng)
	dense := nn.Layer{Op: nn.OpDense, Out: 3, W: make([]float32, 3*400), B: []float32{0, 0, 0}}
	for i := range dense.W {
		dense.W[i] = float32(rng.NormFloat64())
	}
	st.Layers = append(st.Layers, dense, nn.Layer{Op: nn.OpSoftmax})
	e := &Engine{Stack: st, Classes: []string{"a", "b", "c"}}
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Classify(testInput(1))
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind() != "fullcnn" || p.Score <= 1.0/3 || p.Score > 1 {
		t.Fatalf("kind %s, prediction %+v", e.Kind(), p)
	}
}
