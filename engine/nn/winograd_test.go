package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// maxRelDiff is max |got - want| over the largest |want|: the measure the
// Winograd tolerance is stated in.
func maxRelDiff(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		d = max(d, math.Abs(float64(got[i])-float64(want[i])))
		m = max(m, math.Abs(float64(want[i])))
	}
	if m == 0 {
		return d
	}
	return d / m
}

// TestWinogradMatchesDirect runs random 3x3 conv stacks, odd sizes and
// partial tiles included, with and without ReLU and a fused pool, through
// both Winograd variants and the direct path.
func TestWinogradMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	for trial := 0; trial < 60; trial++ {
		in := Shape{1 + rng.IntN(40), 3 + rng.IntN(30), 3 + rng.IntN(30)}
		s := &Stack{In: in}
		s.Layers = append(s.Layers, randomLayer(rng, Layer{Op: OpConv, Out: 1 + rng.IntN(70), Size: 3}, in))
		if rng.IntN(2) == 0 {
			s.Layers = append(s.Layers, Layer{Op: OpReLU})
		}
		if in.H >= 4 && in.W >= 4 && rng.IntN(2) == 0 {
			s.Layers = append(s.Layers, Layer{Op: OpMaxPool, Size: 2})
		}
		x := randSlice(rng, in.Len())
		d, err := NewRunnerOptions(s, Options{Conv: ConvDirect})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := d.Forward(x)
		want = append([]float32(nil), want...)
		for _, algo := range []ConvAlgo{ConvWinograd2, ConvWinograd4} {
			r, err := NewRunnerOptions(s, Options{Conv: algo})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.ConvAlgo(0); got != algo {
				t.Fatalf("layer 0 runs %v, asked for %v", got, algo)
			}
			got, err := r.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%v on %v: %d outputs, want %d", algo, in, len(got), len(want))
			}
			if e := maxRelDiff(got, want); e > 1e-4 {
				t.Errorf("%v, %d layers on %v -> %d filters: max rel diff %.3g", algo, len(s.Layers), in, s.Layers[0].Out, e)
			}
		}
	}
}

// TestWinogradPaperStacks checks A and B with heads, both variants, and
// that auto leaves a one-channel conv1 direct.
func TestWinogradPaperStacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, b := range []bool{false, true} {
		s := paperStack(rng, b, true)
		x := randSlice(rng, s.In.Len())
		want, err := ReferenceForward(s, x)
		if err != nil {
			t.Fatal(err)
		}
		for _, algo := range []ConvAlgo{ConvAuto, ConvWinograd2, ConvWinograd4} {
			r, err := NewRunnerOptions(s, Options{Conv: algo})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := r.Forward(x)
			if e := maxRelDiff(got, want); e > 1e-4 {
				t.Errorf("B=%v %v: max rel diff %.3g", b, algo, e)
			}
			if algo == ConvAuto && r.ConvAlgo(0) != ConvDirect {
				t.Errorf("auto runs conv1 (1 channel) with %v", r.ConvAlgo(0))
			}
		}
	}
}

func TestWinogradRepackAndAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	s := paperStack(rng, true, false)
	r, err := NewRunnerOptions(s, Options{Conv: ConvWinograd4})
	if err != nil {
		t.Fatal(err)
	}
	x := randSlice(rng, s.In.Len())
	if n := testing.AllocsPerRun(10, func() { r.Forward(x) }); n != 0 {
		t.Errorf("Forward allocates %v times", n)
	}
	s.Layers[3] = randomLayer(rng, s.Layers[3], Shape{32, 13, 13})
	if err := r.Repack(); err != nil {
		t.Fatal(err)
	}
	if r.ConvAlgo(3) != ConvWinograd4 {
		t.Errorf("Repack lost the option: layer 3 runs %v", r.ConvAlgo(3))
	}
	want, _ := ReferenceForward(s, x)
	got, _ := r.Forward(x)
	if e := maxRelDiff(got, want); e > 1e-4 {
		t.Errorf("after Repack: max rel diff %.3g", e)
	}
}

func TestParseConvAlgo(t *testing.T) {
	for a := ConvAuto; a <= ConvWinograd4; a++ {
		if got, err := ParseConvAlgo(a.String()); err != nil || got != a {
			t.Errorf("ParseConvAlgo(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseConvAlgo("fft"); err == nil {
		t.Error("fft accepted")
	}
}

// BenchmarkConvAlgo times the conv stacks of A and B one image at a time
// on the calling goroutine, direct against both Winograd variants, and
// reports each variant's best time over direct's from the same run.
func BenchmarkConvAlgo(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, top := range []string{"A", "B"} {
		s := paperStack(rng, top == "B", false)
		x := randSlice(rng, s.In.Len())
		var direct float64
		for _, algo := range []ConvAlgo{ConvDirect, ConvWinograd2, ConvWinograd4} {
			// conv1 on one channel stays direct, as auto keeps it.
			r, err := NewRunnerOptions(s, Options{Conv: algo, MinChannels: 2})
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%v", top, algo), func(b *testing.B) {
				best := time.Duration(1 << 62)
				for b.Loop() {
					t0 := time.Now()
					r.Forward(x)
					best = min(best, time.Since(t0))
				}
				us := float64(best.Nanoseconds()) / 1e3
				b.ReportMetric(us, "best-us")
				if algo == ConvDirect {
					direct = us
				} else if direct > 0 {
					b.ReportMetric(us/direct, "x-direct")
				}
			})
		}
	}
}
