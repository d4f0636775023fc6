package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkRunner times one image through topologies A and B, conv stack
// alone and with a dense head, on the calling goroutine. best-us is the
// fastest single call: on a shared machine the mean mostly measures time
// slices lost to other work.
func BenchmarkRunner(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, top := range []string{"A", "B"} {
		for _, head := range []bool{false, true} {
			s := paperStack(rng, top == "B", head)
			r, err := NewRunner(s)
			if err != nil {
				b.Fatal(err)
			}
			in := randSlice(rng, s.In.Len())
			b.Run(fmt.Sprintf("%s/head=%v", top, head), func(b *testing.B) {
				best := time.Duration(1 << 62)
				for b.Loop() {
					t0 := time.Now()
					r.Forward(in)
					best = min(best, time.Since(t0))
				}
				b.ReportMetric(float64(best.Nanoseconds())/1e3, "best-us")
			})
		}
	}
}

func BenchmarkIm2Col(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := Shape{32, 26, 26}
	in := randSlice(rng, s.Len())
	col := make([]float32, 32*9*24*24)
	best := time.Duration(1 << 62)
	for b.Loop() {
		t0 := time.Now()
		Im2Col(col, in, s, 3)
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Nanoseconds())/1e3, "best-us")
}
