package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// benchShapes are the products sliced runs: the conv layers of topologies
// A and B (filters x pixels x patch), the dense and k-NN matrix-vector
// products, and a training-sized square.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"convA1_32x676x9", false, false, 32, 676, 9},
	{"convA2_64x576x288", false, false, 64, 576, 288},
	{"convB2_64x121x288", false, false, 64, 121, 288},
	{"denseA_128x1x9216", false, false, 128, 1, 9216},
	{"denseB_64x1x1600", false, false, 64, 1, 1600},
	{"knn_1000x1x1600", false, false, 1000, 1, 1600},
	{"train_256x256x256", false, false, 256, 256, 256},
	{"train_256x256x256_tA", true, false, 256, 256, 256},
	{"train_256x256x256_tB", false, true, 256, 256, 256},
}

// measure runs op in the benchmark loop and reports two rates: GFLOP/s
// over the whole run, and best-GFLOP/s of the fastest single op. On a
// machine shared with other work the first is diluted by time slices the
// benchmark did not get; the second is what the code does when it runs.
func measure(b *testing.B, flops float64, op func()) {
	best := math.Inf(1)
	for b.Loop() {
		t0 := time.Now()
		op()
		best = min(best, time.Since(t0).Seconds())
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flops/best/1e9, "best-GFLOP/s")
}

// BenchmarkSgemm reports GFLOP/s per shape and kernel set, single thread.
func BenchmarkSgemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range benchShapes {
		a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), randSlice(r, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.transA {
			lda = s.m
		}
		if s.transB {
			ldb = s.k
		}
		for _, ks := range available() {
			b.Run(s.name+"/"+ks.name, func(b *testing.B) {
				measure(b, 2*float64(s.m*s.n*s.k), func() {
					sgemm(ks, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				})
			})
		}
	}
}

// BenchmarkConvStack runs the two conv-layer products of each topology
// back to back, the work the sliced engine does per image.
func BenchmarkConvStack(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	stacks := []struct {
		name   string
		layers [][3]int
	}{
		{"A", [][3]int{{32, 676, 9}, {64, 576, 288}}},
		{"B", [][3]int{{32, 676, 9}, {64, 121, 288}}},
	}
	for _, st := range stacks {
		var flops float64
		type op struct{ a, b, c []float32 }
		ops := make([]op, len(st.layers))
		for i, l := range st.layers {
			ops[i] = op{randSlice(r, l[0]*l[2]), randSlice(r, l[2]*l[1]), randSlice(r, l[0]*l[1])}
			flops += 2 * float64(l[0]*l[1]*l[2])
		}
		for _, ks := range available() {
			b.Run(st.name+"/"+ks.name, func(b *testing.B) {
				measure(b, flops, func() {
					for i, l := range st.layers {
						sgemm(ks, false, false, l[0], l[1], l[2], 1, ops[i].a, l[2], ops[i].b, l[1], 0, ops[i].c, l[1])
					}
				})
			})
		}
	}
}

// BenchmarkConvStackPacked is BenchmarkConvStack with the weights packed
// once and the bias fused, as a runner that keeps Packed weights runs it.
func BenchmarkConvStackPacked(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, st := range []struct {
		name   string
		layers [][3]int
	}{
		{"A", [][3]int{{32, 676, 9}, {64, 576, 288}}},
		{"B", [][3]int{{32, 676, 9}, {64, 121, 288}}},
	} {
		for _, ks := range available() {
			var flops float64
			type op struct {
				p       *Packed
				b, bias []float32
				c       []float32
			}
			ops := make([]op, len(st.layers))
			for i, l := range st.layers {
				p, err := pack(ks, false, l[0], l[2], randSlice(r, l[0]*l[2]), l[2])
				if err != nil {
					b.Fatal(err)
				}
				ops[i] = op{p, randSlice(r, l[2]*l[1]), randSlice(r, l[0]), make([]float32, l[0]*l[1])}
				flops += 2 * float64(l[0]*l[1]*l[2])
			}
			b.Run(st.name+"/"+ks.name, func(b *testing.B) {
				measure(b, flops, func() {
					for i, l := range st.layers {
						if err := ops[i].p.MulBias(l[1], ops[i].b, l[1], ops[i].bias, true, ops[i].c, l[1]); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// BenchmarkSgemmParallel shows what the second and further cores add on a
// training-sized product.
func BenchmarkSgemmParallel(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	const m, n, k = 512, 512, 512
	a, bb, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
	for _, th := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("512x512x512/threads=%d", th), func(b *testing.B) {
			measure(b, 2*m*n*k, func() {
				SgemmParallel(th, false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
			})
		})
	}
}

// BenchmarkPeak measures the FMA ceiling of one core per vector width.
func BenchmarkPeak(b *testing.B) {
	const rounds = 1 << 12
	for _, p := range append(peaks(), peak{"go", peakGo, 16}) {
		b.Run(p.name, func(b *testing.B) {
			measure(b, float64(rounds*p.flops), func() { p.run(rounds) })
		})
	}
}
