package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomLayer fills a conv or dense layer with weights scaled by the fan-in,
// as trained networks are, so that values keep their size through a stack.
func randomLayer(rng *rand.Rand, l Layer, in Shape) Layer {
	rows, cols := l.WeightShape(in)
	l.W = randSlice(rng, rows*cols)
	sc := float32(1 / math.Sqrt(float64(cols)))
	for i := range l.W {
		l.W[i] *= sc
	}
	l.B = randSlice(rng, rows)
	return l
}

// randomStack builds a valid stack of random layers on an odd input shape:
// kernel sizes 1 to 4, pools of 2 and 3, ReLU after some layers and not
// others, a dense head and softmax on some.
func randomStack(rng *rand.Rand) *Stack {
	s := &Stack{In: Shape{1 + rng.IntN(4), 5 + rng.IntN(20), 5 + rng.IntN(20)}}
	cur := s.In
	for len(s.Layers) < 6 && cur.H > 1 && cur.W > 1 {
		var l Layer
		switch r := rng.IntN(4); {
		case r < 2:
			k := 1 + rng.IntN(min(4, cur.H, cur.W))
			l = randomLayer(rng, Layer{Op: OpConv, Out: 1 + rng.IntN(40), Size: k}, cur)
		case r == 2:
			l = Layer{Op: OpMaxPool, Size: 2 + rng.IntN(min(2, cur.H-1, cur.W-1))}
		default:
			l = Layer{Op: OpReLU}
		}
		s.Layers = append(s.Layers, l)
		if rng.IntN(2) == 0 && l.Op != OpReLU {
			s.Layers = append(s.Layers, Layer{Op: OpReLU})
		}
		next, err := s.Out()
		if err != nil {
			panic(err)
		}
		cur = next
	}
	if rng.IntN(2) == 0 {
		s.Layers = append(s.Layers, randomLayer(rng, Layer{Op: OpDense, Out: 1 + rng.IntN(20)}, cur), Layer{Op: OpReLU})
		s.Layers = append(s.Layers, randomLayer(rng, Layer{Op: OpDense, Out: 10}, Shape{s.Layers[len(s.Layers)-2].Out, 1, 1}), Layer{Op: OpSoftmax})
	}
	return s
}

// paperStack is topology A or B (conv 32, conv 64 over 28x28) with or
// without a dense head, written out here so that nn's tests do not import
// models.
func paperStack(rng *rand.Rand, b, head bool) *Stack {
	conv := func(out int) Layer { return Layer{Op: OpConv, Out: out, Size: 3} }
	relu, pool := Layer{Op: OpReLU}, Layer{Op: OpMaxPool, Size: 2}
	ls := []Layer{conv(32), relu, conv(64), relu, pool}
	if b {
		ls = []Layer{conv(32), relu, pool, conv(64), relu, pool}
	}
	if head {
		ls = append(ls, Layer{Op: OpDense, Out: 64}, relu, Layer{Op: OpDense, Out: 10}, Layer{Op: OpSoftmax})
	}
	s := &Stack{In: Shape{1, 28, 28}}
	for _, l := range ls {
		if l.Op == OpConv || l.Op == OpDense {
			in := s.In
			if len(s.Layers) > 0 {
				in, _ = s.Out()
			}
			l = randomLayer(rng, l, in)
		}
		s.Layers = append(s.Layers, l)
	}
	return s
}

// closeTo reports whether got is within 1e-5 of want, relative to the
// value or, for values smaller than the tensor's root mean square, to that:
// a float32 sum of hundreds of terms that cancel to a small value carries
// the rounding error of the terms, not of the result.
func closeTo(got, want []float32) (int, bool) {
	scale := 0.0
	for _, v := range want {
		if v == v {
			scale += float64(v) * float64(v)
		}
	}
	scale = math.Sqrt(scale / float64(len(want)))
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(w) || math.IsNaN(g) {
			if math.IsNaN(w) != math.IsNaN(g) {
				return i, false
			}
			continue
		}
		if math.Abs(g-w) > 1e-5*math.Max(math.Abs(w), scale) {
			return i, false
		}
	}
	return 0, true
}

func checkRunner(t *testing.T, name string, s *Stack, r *Runner, in []float32) {
	t.Helper()
	want, err := ReferenceForward(s, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Forward(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, reference %d", name, len(got), len(want))
	}
	if i, ok := closeTo(got, want); !ok {
		t.Fatalf("%s: out[%d] = %v, reference %v", name, i, got[i], want[i])
	}
}

func TestRunnerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, b := range []bool{false, true} {
		for _, head := range []bool{false, true} {
			s := paperStack(rng, b, head)
			r, err := NewRunner(s)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				checkRunner(t, "paper stack", s, r, randSlice(rng, s.In.Len()))
			}
		}
	}
	for i := range 200 {
		s := randomStack(rng)
		r, err := NewRunner(s)
		if err != nil {
			t.Fatalf("stack %d: %v", i, err)
		}
		checkRunner(t, "random stack", s, r, randSlice(rng, s.In.Len()))
	}
}

// A NaN in the input spreads to exactly the outputs whose receptive field
// holds it, through conv, folded ReLU and pooling alike.
func TestRunnerNaN(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, b := range []bool{false, true} {
		s := paperStack(rng, b, false)
		r, _ := NewRunner(s)
		in := randSlice(rng, s.In.Len())
		in[5*28+7] = float32(math.NaN())
		want, _ := ReferenceForward(s, in)
		nans := 0
		for _, v := range want {
			if v != v {
				nans++
			}
		}
		if nans == 0 || nans == len(want) {
			t.Fatalf("reference has %d NaN of %d: the test shows nothing", nans, len(want))
		}
		checkRunner(t, "NaN input", s, r, in)
	}
	out := make([]float32, 3)
	ReLU(out, []float32{float32(math.NaN()), -1, 2})
	if out[0] == out[0] || out[1] != 0 || out[2] != 2 {
		t.Errorf("ReLU(NaN, -1, 2) = %v", out)
	}
	MaxPool(out[:1], []float32{1, float32(math.NaN()), 3, 2}, Shape{1, 2, 2}, 2)
	if out[0] == out[0] {
		t.Errorf("max pool over a NaN = %v", out[0])
	}
}

// The Runner works on packed copies of the weights: a change is seen after
// Repack, not before.
func TestRunnerRepack(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	s := paperStack(rng, true, false)
	r, _ := NewRunner(s)
	in := randSlice(rng, s.In.Len())
	before, _ := r.Forward(in)
	before = append([]float32(nil), before...)
	for i := range s.Layers[3].W {
		s.Layers[3].W[i] = -s.Layers[3].W[i]
	}
	s.Layers[3].B[0] += 1
	stale, _ := r.Forward(in)
	if _, ok := closeTo(stale, before); !ok {
		t.Fatal("the Runner read changed weights without Repack")
	}
	if err := r.Repack(); err != nil {
		t.Fatal(err)
	}
	checkRunner(t, "after Repack", s, r, in)
	s.Layers[3].Size = 99
	if err := r.Repack(); err == nil {
		t.Error("Repack accepted a broken stack")
	}
	s.Layers[3].Size = 3
	checkRunner(t, "after a failed Repack", s, r, in)
}

func TestForwardAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	s := paperStack(rng, false, true)
	r, _ := NewRunner(s)
	in := randSlice(rng, s.In.Len())
	r.Forward(in)
	if n := testing.AllocsPerRun(10, func() { r.Forward(in) }); n != 0 {
		t.Errorf("Forward allocates %v times per call", n)
	}
}

// The wide layout holds Im2Col's columns at oy*W+ox, and reads nothing
// past the tensor.
func TestIm2ColWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, s := range []Shape{{3, 7, 5}, {2, 4, 9}, {32, 13, 13}, {1, 3, 3}} {
		for k := 2; k <= min(s.H, s.W, 4); k++ {
			in := randSlice(rng, s.Len())
			oh, ow := s.H-k+1, s.W-k+1
			rows := s.C * k * k
			narrow := make([]float32, rows*oh*ow)
			Im2Col(narrow, in, s, k)
			wide := make([]float32, rows*oh*s.W)
			im2colWide(wide, in, s, k)
			for r := 0; r < rows; r++ {
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						if w, n := wide[(r*oh+oy)*s.W+ox], narrow[(r*oh+oy)*ow+ox]; w != n {
							t.Fatalf("%v k=%d row %d (%d,%d): wide %v, Im2Col %v", s, k, r, oy, ox, w, n)
						}
					}
				}
			}
		}
	}
}
