package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// ConvInt8 runs where the CPU has the integer kernels, within the error of
// 8-bit codes of the float64 reference on both topologies; elsewhere (and
// for an input with a NaN) the layers run as float32.
func TestRunnerInt8(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, b := range []bool{false, true} {
		s := paperStack(rng, b, false)
		r, err := NewRunnerOptions(s, Options{Conv: ConvInt8})
		if err != nil {
			t.Fatal(err)
		}
		want := ConvInt8
		if !gemm.HasQConv() {
			want = ConvDirect // conv1 as auto runs it
		}
		if got := r.ConvAlgo(0); got != want {
			t.Errorf("topology B %v: conv1 runs %v, want %v", b, got, want)
		}
		in := randSlice(rng, s.In.Len())
		ref, err := ReferenceForward(s, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		var worst, scale float64
		for i, v := range ref {
			worst = max(worst, math.Abs(float64(got[i])-float64(v)))
			scale = max(scale, math.Abs(float64(v)))
		}
		t.Logf("topology B %v: max |diff| %.3g of %.3g", b, worst, scale)
		if worst > 0.05*scale {
			t.Errorf("topology B %v: int8 off by %.3g of %.3g", b, worst, scale)
		}
		in[5*28+7] = float32(math.NaN())
		ref, _ = ReferenceForward(s, in)
		got, _ = r.Forward(in)
		for i, v := range ref {
			if (v != v) != (got[i] != got[i]) {
				t.Fatalf("topology B %v: NaN input: output %d is %v, reference %v", b, i, got[i], v)
			}
		}
	}
}
