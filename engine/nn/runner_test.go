package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// directConv is the textbook six-loop convolution the im2col path must match.
func directConv(in []float32, s Shape, l Layer) []float32 {
	k := l.Size
	oh, ow := s.H-k+1, s.W-k+1
	out := make([]float32, l.Out*oh*ow)
	for f := 0; f < l.Out; f++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				sum := float64(l.B[f])
				for c := 0; c < s.C; c++ {
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							w := l.W[((f*s.C+c)*k+ky)*k+kx]
							sum += float64(w) * float64(in[(c*s.H+y+ky)*s.W+x+kx])
						}
					}
				}
				out[(f*oh+y)*ow+x] = float32(sum)
			}
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func TestConvMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct{ inC, h, w, out, k int }{
		{1, 28, 28, 32, 3}, {32, 26, 26, 64, 3}, {3, 7, 5, 5, 2}, {2, 4, 4, 1, 4}, {5, 9, 11, 7, 1},
	} {
		s := Shape{c.inC, c.h, c.w}
		l := Layer{Op: OpConv, Out: c.out, Size: c.k, W: randSlice(rng, c.out*c.inC*c.k*c.k), B: randSlice(rng, c.out)}
		in := randSlice(rng, s.Len())
		oh, ow := c.h-c.k+1, c.w-c.k+1
		got := make([]float32, c.out*oh*ow)
		Conv(got, in, s, l, make([]float32, c.inC*c.k*c.k*oh*ow))
		want := directConv(in, s, l)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("%+v: out[%d] = %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}

func TestPoolReluSoftmaxDense(t *testing.T) {
	in := []float32{1, -2, 3, 0, 5, 6, -7, 8, 9, 10, 11, 12} // 1x3x4
	out := make([]float32, 2)
	MaxPool(out, in, Shape{1, 3, 4}, 2)
	if out[0] != 6 || out[1] != 8 {
		t.Fatalf("maxpool %v", out)
	}
	r := make([]float32, 3)
	ReLU(r, []float32{-1, 0, 2})
	if r[0] != 0 || r[1] != 0 || r[2] != 2 {
		t.Fatalf("relu %v", r)
	}
	sm := make([]float32, 3)
	Softmax(sm, []float32{1000, 1000, 1000})
	for _, v := range sm {
		if math.Abs(float64(v)-1.0/3) > 1e-6 {
			t.Fatalf("softmax %v", sm)
		}
	}
	d := make([]float32, 2)
	Dense(d, []float32{1, 2, 3}, Layer{Op: OpDense, Out: 2, W: []float32{1, 0, 0, 0, 1, 1}, B: []float32{10, 20}})
	if d[0] != 11 || d[1] != 25 {
		t.Fatalf("dense %v", d)
	}
}

func TestShapesRejectBadStacks(t *testing.T) {
	bad := []Stack{
		{In: Shape{1, 28, 28}},
		{In: Shape{0, 28, 28}, Layers: []Layer{{Op: OpReLU}}},
		{In: Shape{1, 2, 2}, Layers: []Layer{{Op: OpConv, Out: 1, Size: 3, W: make([]float32, 9), B: make([]float32, 1)}}},
		{In: Shape{1, 4, 4}, Layers: []Layer{{Op: OpConv, Out: 2, Size: 3, W: make([]float32, 9), B: make([]float32, 2)}}},
		{In: Shape{1, 4, 4}, Layers: []Layer{{Op: OpReLU, W: []float32{1}}}},
		{In: Shape{1, 4, 4}, Layers: []Layer{{Op: Op(99)}}},
		{In: Shape{MaxDim, MaxDim, MaxDim}, Layers: []Layer{{Op: OpReLU}}},
	}
	for i, s := range bad {
		if _, err := s.Shapes(); err == nil {
			t.Errorf("stack %d accepted", i)
		}
	}
	r, err := NewRunner(&Stack{In: Shape{1, 4, 4}, Layers: []Layer{{Op: OpReLU}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Forward(make([]float32, 3)); err == nil {
		t.Error("short input accepted")
	}
}
