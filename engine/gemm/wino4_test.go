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

// runWino4 runs the three kernels of set, plain Go when nil.
func runWino4(g Wino4, set *wino4Set, src, w, bias []float32, relu bool) []float32 {
	u := g.TransformKernels(w)
	v := make([]float32, g.VLen())
	m := make([]float32, g.MLen())
	dst := make([]float32, g.K*g.PH*g.PW)
	g.input(v, src, set)
	g.mul(m, v, u, set)
	g.outPool(dst, m, bias, relu, set)
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
		{2, 16, 9, 10},  // filters not a multiple of 64: plain Go on AVX-512
		{4, 24, 12, 34}, // eight tiles a row: the widest NEON row
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
			for _, set := range append(fitting(g), nil) {
				got := runWino4(g, set, src, w, bias, relu)
				var worst float64
				for i, x := range want {
					worst = max(worst, math.Abs(float64(got[i])-x))
				}
				t.Logf("%+v relu %v %s: %.3g of %.3g", s, relu, setName(set), worst, scale)
				if worst > 1e-4*scale {
					t.Errorf("%+v relu %v %s: max |diff| %.3g of %.3g", s, relu, setName(set), worst, scale)
				}
			}
		}
	}
	for _, set := range wino4Sets() {
		for _, hw := range []int{26, 13} {
			if g, _ := NewWino4(32, 64, hw, hw); !set.fits(g) {
				t.Errorf("%s: conv2 of %dx%d does not run on the vector kernels", set.name, hw, hw)
			}
		}
	}
}

// fitting is every kernel set here that runs g.
func fitting(g Wino4) []*wino4Set {
	var sets []*wino4Set
	for _, s := range wino4Sets() {
		if s.fits(g) {
			sets = append(sets, s)
		}
	}
	return sets
}

func setName(s *wino4Set) string {
	if s == nil {
		return "go"
	}
	return s.name
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
		for _, set := range fitting(g) {
			name := s.name + "/" + set.name
			b.Run(name+"/input", func(b *testing.B) {
				for b.Loop() {
					g.input(v, src, set)
				}
			})
			b.Run(name+"/mul", func(b *testing.B) {
				for b.Loop() {
					g.mul(m, v, u, set)
				}
			})
			b.Run(name+"/output", func(b *testing.B) {
				for b.Loop() {
					g.outPool(dst, m, bias, true, set)
				}
			})
		}
	}
}

// Input says when the values it read hold a NaN or an infinity, on both
// paths, and only then.
func TestWino4InputFlagsNonFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	g, _ := NewWino4(32, 64, 26, 26)
	v := make([]float32, g.VLen())
	for _, set := range append(fitting(g), nil) {
		src := winoRand(rng, g.C*g.H*g.W, 1e3)
		if !g.input(v, src, set) {
			t.Errorf("%s: finite input flagged (%v)", setName(set), sumOf(src))
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			at := rng.IntN(len(src))
			old := src[at]
			src[at] = float32(bad)
			if g.input(v, src, set) {
				t.Errorf("%s: %v at %d not flagged", setName(set), bad, at)
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
