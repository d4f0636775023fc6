package engine_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/knn"
)

// knnShapes are prototype counts and dimensions from a small projected set
// to the raw 1600 features of topology B, capped at 64 MB of float32.
func knnShapes() (out [][2]int) {
	for _, d := range []int{16, 32, 128, 1600} {
		for _, n := range []int{100, 1000, 10000, 100000} {
			if n*d <= 16<<20 {
				out = append(out, [2]int{n, d})
			}
		}
	}
	return out
}

func knnSet(n, d int) *knn.Set {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(d)))
	s := &knn.Set{K: 9, Metric: knn.L2, Dim: d, Vectors: make([]float32, n*d), Labels: make([]int, n),
		Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	for i := range s.Vectors {
		s.Vectors[i] = float32(rng.NormFloat64())
	}
	for i := range s.Labels {
		s.Labels[i] = i % 10
	}
	s.Prepare()
	return s
}

// bestOf runs op in the benchmark loop and reports the fastest call and the
// time per prototype.
func bestOf(b *testing.B, n int, op func()) {
	best := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		op()
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Nanoseconds())/1e3, "best-us")
	b.ReportMetric(float64(best.Nanoseconds())/float64(n), "best-ns/proto")
}

// BenchmarkKNN is the engine's k-NN (float32 prototypes, distances as one
// matrix-vector product, then the k-best list) against prototype count
// and dimension.
func BenchmarkKNN(b *testing.B) {
	for _, sh := range knnShapes() {
		n, d := sh[0], sh[1]
		set := knnSet(n, d)
		q := set.Vectors[:d:d]
		s := knn.NewSearcher(set)
		b.Run(fmt.Sprintf("f32/n=%d/d=%d", n, d), func(b *testing.B) {
			bestOf(b, n, func() {
				if _, err := s.Classify(q); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkKNNInt8 measures what int8 prototypes kept as int8 would cost
// in plain Go: the query quantized once, an int32 dot product per
// prototype, the squared distance rebuilt from the row scales. It is the
// comparison for BenchmarkKNN, not a code path of the engine.
func BenchmarkKNNInt8(b *testing.B) {
	for _, sh := range knnShapes() {
		n, d := sh[0], sh[1]
		set := knnSet(n, d)
		codes, scales := make([]int8, n*d), make([]float32, n)
		for i := 0; i < n; i++ {
			scales[i] = quantize(codes[i*d:(i+1)*d], set.Vectors[i*d:(i+1)*d])
		}
		norms := make([]float32, n)
		for i := range norms {
			var s int32
			for _, c := range codes[i*d : (i+1)*d] {
				s += int32(c) * int32(c)
			}
			norms[i] = float32(s) * scales[i] * scales[i]
		}
		qf := set.Vectors[:d:d]
		qc := make([]int8, d)
		dist := make([]float32, n)
		b.Run(fmt.Sprintf("i8go/n=%d/d=%d", n, d), func(b *testing.B) {
			bestOf(b, n, func() {
				qs := quantize(qc, qf)
				for i := 0; i < n; i++ {
					dist[i] = norms[i] - 2*float32(dotI8(codes[i*d:(i+1)*d], qc))*scales[i]*qs
				}
				sinkF = dist[n-1]
			})
		})
	}
}

var sinkF float32

func quantize(dst []int8, v []float32) float32 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(float64(x)))
	}
	if m == 0 {
		clear(dst)
		return 0
	}
	sc := m / 127
	for i, x := range v {
		dst[i] = int8(math.Round(float64(x) / sc))
	}
	return float32(sc)
}

// dotI8 is an int8 dot product with four independent accumulators.
func dotI8(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
		s2 += int32(a[i+2]) * int32(b[i+2])
		s3 += int32(a[i+3]) * int32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// BenchmarkKNNDistancesLayout times only the n dot products of the query
// with the prototypes, stored as the engine stores them (n x d rows: one
// dot product per row) and transposed (d x n: d scaled row additions,
// vectorised over the prototypes whatever d is).
func BenchmarkKNNDistancesLayout(b *testing.B) {
	for _, sh := range knnShapes() {
		n, d := sh[0], sh[1]
		set := knnSet(n, d)
		vt := make([]float32, d*n)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				vt[j*n+i] = set.Vectors[i*d+j]
			}
		}
		q, dots := set.Vectors[:d:d], make([]float32, n)
		b.Run(fmt.Sprintf("rows/n=%d/d=%d", n, d), func(b *testing.B) {
			bestOf(b, n, func() { gemm.Sgemm(false, false, n, 1, d, 1, set.Vectors, d, q, 1, 0, dots, 1) })
		})
		b.Run(fmt.Sprintf("transposed/n=%d/d=%d", n, d), func(b *testing.B) {
			bestOf(b, n, func() { gemm.Sgemm(true, false, n, 1, d, 1, vt, n, q, 1, 0, dots, 1) })
		})
	}
}
