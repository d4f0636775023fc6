package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The integer convolution: the vector kernels give exactly the plain-Go
// path's outputs (same codes, same int32 sums, same float rounding), and
// both stay within the error of 8-bit codes of the float64 product, on
// filter counts, depths around the groups of 4 taps and pixel counts
// around the 16- and 32-pixel tiles, with inputs of both signs.
func TestQConvAgainstFloat(t *testing.T) {
	t.Logf("vector kernels here: %v", hasQConv)
	rng := rand.New(rand.NewPCG(8, 8))
	for _, s := range []struct{ rows, k, n int }{
		{32, 9, 676},    // conv1 of a 28x28 digit
		{64, 288, 121},  // conv2 of topology B
		{64, 288, 576},  // conv2 of topology A
		{8, 5, 1},       // one pixel, taps not a multiple of 4
		{16, 13, 33},    // one pixel past a tile
		{24, 64, 48},    // half a tile past one
		{8, 1, 17},      // one tap
		{40, 100, 1000}, // padded strides below
	} {
		for _, neg := range []bool{false, true} {
			ldc, ldo := s.n+3, s.n+5
			w := winoRand(rng, s.rows*s.k, 0.5)
			col := make([]float32, s.k*ldc)
			lo, hi := float32(0), float32(0)
			for j := 0; j < s.k; j++ {
				for p := 0; p < s.n; p++ {
					v := rng.Float32() * 2
					if neg {
						v -= 0.7
					}
					col[j*ldc+p] = v
					lo, hi = min(lo, v), max(hi, v)
				}
			}
			bias := winoRand(rng, s.rows, 0.3)
			q, err := NewQConv(s.rows, s.k, w)
			if err != nil {
				t.Fatal(err)
			}
			scratch := make([]uint8, q.ScratchLen(s.n))
			goOut := make([]float32, s.rows*ldo)
			q.mulBias(s.n, col, ldc, lo, hi, bias, true, goOut, ldo, scratch, false)
			// The error bound of the codes: each product is off by at
			// most half a step of the weight times |x| plus half a step
			// of the input times |w|, summed over k.
			step, _ := InputCode(lo, hi)
			var worst, bound float64
			for r := 0; r < s.rows; r++ {
				var wmax float64
				for _, v := range w[r*s.k : (r+1)*s.k] {
					wmax = max(wmax, math.Abs(float64(v)))
				}
				rb := float64(s.k) * (wmax/127/2*float64(max(hi, -lo)) + float64(step)/2*wmax)
				bound = max(bound, rb)
				for p := 0; p < s.n; p++ {
					want := float64(bias[r])
					for j := 0; j < s.k; j++ {
						want += float64(w[r*s.k+j]) * float64(col[j*ldc+p])
					}
					want = max(want, 0)
					d := math.Abs(float64(goOut[r*ldo+p]) - want)
					if d > rb*1.01+1e-5 {
						t.Fatalf("%+v neg %v: filter %d pixel %d: %v, float64 %v (bound %v)", s, neg, r, p, goOut[r*ldo+p], want, rb)
					}
					worst = max(worst, d)
				}
			}
			t.Logf("%+v neg %v: max |diff| %.3g against float64 (bound %.3g)", s, neg, worst, bound)
			if !hasQConv {
				continue
			}
			vecOut := make([]float32, s.rows*ldo)
			for i := range vecOut {
				vecOut[i] = 42 // past n of each row: must stay
			}
			q.mulBias(s.n, col, ldc, lo, hi, bias, true, vecOut, ldo, scratch, true)
			for r := 0; r < s.rows; r++ {
				for p := 0; p < ldo; p++ {
					got := vecOut[r*ldo+p]
					if p >= s.n {
						if got != 42 && r*ldo+p < len(vecOut) {
							t.Fatalf("%+v: filter %d wrote past its row at %d", s, r, p)
						}
						continue
					}
					if got != goOut[r*ldo+p] {
						t.Fatalf("%+v neg %v: filter %d pixel %d: vector %v, Go %v", s, neg, r, p, got, goOut[r*ldo+p])
					}
				}
			}
		}
	}
}

func TestQConvRejects(t *testing.T) {
	if _, err := NewQConv(12, 9, make([]float32, 12*9)); err == nil {
		t.Error("12 filters accepted")
	}
	w := make([]float32, 8*9)
	w[40] = float32(math.Inf(1))
	if _, err := NewQConv(8, 9, w); err == nil {
		t.Error("an infinite weight accepted")
	}
}

func TestMinMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 4096} {
		x := winoRand(rng, n, 5)
		lo, hi, ok := MinMax(x)
		wlo, whi := float32(0), float32(0)
		if n > 0 {
			wlo, whi = x[0], x[0]
		}
		for _, v := range x {
			wlo, whi = min(wlo, v), max(whi, v)
		}
		if lo != wlo || hi != whi || !ok {
			t.Errorf("n %d: %v %v %v, want %v %v true", n, lo, hi, ok, wlo, whi)
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			if n == 0 {
				continue
			}
			at := rng.IntN(n)
			old := x[at]
			x[at] = float32(bad)
			if _, _, ok := MinMax(x); ok {
				t.Errorf("n %d: %v at %d not flagged", n, bad, at)
			}
			x[at] = old
		}
	}
}

// BenchmarkQConv is conv2 of topologies A and B as the integer product
// (after im2col), beside the float32 packed product of the same matrices.
func BenchmarkQConv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name       string
		rows, k, n int
	}{{"A", 64, 288, 576}, {"B", 64, 288, 121}} {
		w, col := winoRand(rng, s.rows*s.k, 0.5), winoRand(rng, s.k*s.n, 1)
		bias, out := winoRand(rng, s.rows, 0.1), make([]float32, s.rows*s.n)
		q, _ := NewQConv(s.rows, s.k, w)
		scratch := make([]uint8, q.ScratchLen(s.n))
		p, _ := Pack(false, s.rows, s.k, w, s.k)
		b.Run(s.name+"/int8", func(b *testing.B) {
			for b.Loop() {
				q.MulBias(s.n, col, s.n, -1, 1, bias, true, out, s.n, scratch)
			}
		})
		b.Run(s.name+"/float32", func(b *testing.B) {
			for b.Loop() {
				p.MulBias(s.n, col, s.n, bias, true, out, s.n)
			}
		})
	}
}
