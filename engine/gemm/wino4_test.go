package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// convPoolRef is the direct 3x3 valid convolution of src (c x h x w) by
// w (k x c x 3 x 3) plus bias, clamped at lo, then the 2x2 max-pool, in
// float64.
func convPoolRef(g Wino4, src, w, bias []float32, lo float64) []float64 {
	oh, ow := g.H-2, g.W-2
	conv := make([]float64, g.K*oh*ow)
	for k := 0; k < g.K; k++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				s := float64(bias[k])
				for c := 0; c < g.C; c++ {
					for i := 0; i < 3; i++ {
						for j := 0; j < 3; j++ {
							s += float64(w[((k*g.C+c)*3+i)*3+j]) * float64(src[(c*g.H+y+i)*g.W+x+j])
						}
					}
				}
				conv[(k*oh+y)*ow+x] = math.Max(s, lo)
			}
		}
	}
	out := make([]float64, g.K*g.PH*g.PW)
	for k := 0; k < g.K; k++ {
		for y := 0; y < g.PH; y++ {
			for x := 0; x < g.PW; x++ {
				at := func(i, j int) float64 { return conv[(k*oh+2*y+i)*ow+2*x+j] }
				out[(k*g.PH+y)*g.PW+x] = math.Max(math.Max(at(0, 0), at(0, 1)), math.Max(at(1, 0), at(1, 1)))
			}
		}
	}
	return out
}

func winoRand(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (rng.Float32()*2 - 1) * scale
	}
	return s
}

// runWino4 runs the three kernels, vector or Go.
func runWino4(g Wino4, vector bool, src, w, bias []float32, relu bool) []float32 {
	u := g.TransformKernels(w)
	v := make([]float32, g.VLen())
	m := make([]float32, g.MLen())
	dst := make([]float32, g.K*g.PH*g.PW)
	g.input(v, src, vector)
	g.mul(m, v, u, vector)
	g.outPool(dst, m, bias, relu, vector)
	return dst
}

func TestWino4AgainstDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 3))
	shapes := []struct{ c, k, h, w int }{
		{32, 64, 26, 26}, // topology A's conv2
		{32, 64, 13, 13}, // topology B's conv2
		{32, 64, 15, 15}, // B on 32x32 regions
		{1, 64, 28, 28},
		{3, 64, 11, 9},
		{5, 128, 7, 12},
		{17, 64, 16, 30},
		{8, 64, 4, 4},
		{2, 16, 9, 10}, // filters not a multiple of 64: plain Go
	}
	for _, s := range shapes {
		g, err := NewWino4(s.c, s.k, s.h, s.w)
		if err != nil {
			t.Fatal(err)
		}
		src := winoRand(rng, s.c*s.h*s.w, 1)
		w := winoRand(rng, s.k*s.c*9, 0.5)
		bias := winoRand(rng, s.k, 0.5)
		for _, relu := range []bool{true, false} {
			lo := math.Inf(-1)
			if relu {
				lo = 0
			}
			want := convPoolRef(g, src, w, bias, lo)
			var scale float64
			for _, x := range want {
				scale = max(scale, math.Abs(x))
			}
			modes := []bool{false}
			if g.Vector() {
				modes = append(modes, true)
			}
			for _, vec := range modes {
				got := runWino4(g, vec, src, w, bias, relu)
				var worst float64
				for i, x := range want {
					worst = max(worst, math.Abs(float64(got[i])-x))
				}
				t.Logf("%+v relu %v vector %v: %.3g of %.3g", s, relu, vec, worst, scale)
				if worst > 1e-4*scale {
					t.Errorf("%+v relu %v vector %v: max |diff| %.3g of %.3g", s, relu, vec, worst, scale)
				}
			}
		}
	}
	if hasWino4 {
		g, _ := NewWino4(32, 64, 26, 26)
		if !g.Vector() {
			t.Error("topology A's conv2 does not run on the vector kernels")
		}
	}
}

func BenchmarkWino4(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct {
		name       string
		c, k, h, w int
	}{{"A", 32, 64, 26, 26}, {"B", 32, 64, 13, 13}} {
		g, _ := NewWino4(s.c, s.k, s.h, s.w)
		src := winoRand(rng, s.c*s.h*s.w, 1)
		u := g.TransformKernels(winoRand(rng, s.k*s.c*9, 0.5))
		bias := winoRand(rng, s.k, 0.5)
		v := make([]float32, g.VLen())
		m := make([]float32, g.MLen())
		dst := make([]float32, g.K*g.PH*g.PW)
		b.Run(s.name+"/input", func(b *testing.B) {
			for b.Loop() {
				g.Input(v, src)
			}
		})
		b.Run(s.name+"/mul", func(b *testing.B) {
			for b.Loop() {
				g.Mul(m, v, u)
			}
		})
		b.Run(s.name+"/output", func(b *testing.B) {
			for b.Loop() {
				g.OutPool(dst, m, bias, true)
			}
		})
	}
}

// Input says when the values it read hold a NaN or an infinity, on both
// paths, and only then.
func TestWino4InputFlagsNonFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	g, _ := NewWino4(32, 64, 26, 26)
	v := make([]float32, g.VLen())
	for _, vec := range []bool{false, g.Vector()} {
		src := winoRand(rng, g.C*g.H*g.W, 1e3)
		if !g.input(v, src, vec) {
			t.Errorf("vector %v: finite input flagged (%v)", vec, sumOf(src))
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			at := rng.IntN(len(src))
			old := src[at]
			src[at] = float32(bad)
			if g.input(v, src, vec) {
				t.Errorf("vector %v: %v at %d not flagged", vec, bad, at)
			}
			src[at] = old
		}
	}
}

func sumOf(s []float32) (m float32) {
	for _, x := range s {
		if x != x || x-x != 0 {
			return x
		}
	}
	return 0
}
