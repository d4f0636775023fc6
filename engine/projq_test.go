package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// A projection of int8 codes runs as an integer product that agrees with
// float32 to the input's 16-bit step, with a mean (int16 codes) and
// without (byte-split input); without a mean a negative input falls back
// to float32, and weights that are not codes get no integer form.
func TestProjectionCodes(t *testing.T) {
	if !gemm.HasDotsInt16() {
		t.Skip("no integer product on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	const in, out = 200, 6
	w := make([]float32, in*out)
	for r := 0; r < out; r++ {
		s := 0.01 * float32(r+1)
		for j := 0; j < in; j++ {
			w[r*in+j] = float32(rng.IntN(255)-127) * s
		}
		w[r*in] = 127 * s
	}
	x := make([]float32, in)
	for i := range x {
		x[i] = float32(rng.ExpFloat64())
	}
	mean := make([]float32, in)
	for i := range mean {
		mean[i] = float32(rng.Float64())
	}
	for _, m := range [][]float32{nil, mean} {
		p := &Projection{In: in, Out: out, W: w, Mean: m}
		q := p.codes()
		if q == nil || (m == nil) != (q.codes8 != nil) {
			t.Fatalf("mean %v: codes %+v", m != nil, q)
		}
		want, got := make([]float32, out), make([]float32, out)
		p.Apply(want, x, make([]float32, in))
		var sc projScratch
		if !q.apply(got, x, &sc, in) {
			t.Fatalf("mean %v: refused", m != nil)
		}
		for r := range want {
			if d := math.Abs(float64(got[r] - want[r])); d > 1e-3*(1+math.Abs(float64(want[r]))) {
				t.Errorf("mean %v: row %d: %v, float32 %v", m != nil, r, got[r], want[r])
			}
		}
	}
	neg := append([]float32(nil), x...)
	neg[3] = -1
	p := &Projection{In: in, Out: out, W: w}
	if p.codes().apply(make([]float32, out), neg, &projScratch{}, in) {
		t.Error("a negative input went through the byte-split product")
	}
	w2 := append([]float32(nil), w...)
	w2[5] += 0.001
	if (&Projection{In: in, Out: out, W: w2}).codes() != nil {
		t.Error("weights that are not int8 codes got an integer form")
	}
}
