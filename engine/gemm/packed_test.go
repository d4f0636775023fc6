package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMulBias holds the fused bias+ReLU products, packed once and packed
// per call, to the oracle followed by a plain bias and clamp.
func TestMulBias(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, ks := range available() {
		for _, s := range [][3]int{{32, 676, 9}, {64, 121, 288}, {7, 13, 5}, {13, 40, 600}, {3, 1, 9}, {200, 33, 17}} {
			m, n, k := s[0], s[1], s[2]
			lda, ldb, ldc := k+1, n+2, n+3
			a, b := randSlice(r, m*lda), randSlice(r, k*ldb)
			bias := randSlice(r, m)
			for _, relu := range []bool{false, true} {
				for _, withBias := range []bool{false, true} {
					bs := bias
					if !withBias {
						bs = nil
					}
					want := make([]float32, m*ldc)
					naive(false, false, m, n, k, 1, a, lda, b, ldb, 0, want, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							if bs != nil {
								want[i*ldc+j] += bs[i]
							}
							if relu && want[i*ldc+j] < 0 {
								want[i*ldc+j] = 0
							}
						}
					}
					p, err := pack(ks, false, m, k, a, lda)
					if err != nil {
						t.Fatal(err)
					}
					got := make([]float32, m*ldc)
					if err := p.MulBias(n, b, ldb, bs, relu, got, ldc); err != nil {
						t.Fatal(err)
					}
					compareRel(t, ks.name+" packed", got, want, 1e-5)
					if !relu {
						// The path nn.Conv took before: fill C with the bias, add the product.
						simple := make([]float32, m*ldc)
						for i := 0; i < m && bs != nil; i++ {
							for j := 0; j < n; j++ {
								simple[i*ldc+j] = bs[i]
							}
						}
						sgemm(ks, false, false, m, n, k, 1, a, lda, b, ldb, 1, simple, ldc)
						compareRel(t, ks.name+" packed vs fill+Sgemm", got, simple, 1e-5)
					}
					if ks == active {
						got2 := make([]float32, m*ldc)
						if err := MulBias(m, n, k, a, lda, b, ldb, bs, relu, got2, ldc); err != nil {
							t.Fatal(err)
						}
						compareRel(t, "MulBias", got2, want, 1e-5)
					}
				}
			}
		}
	}
}

// compareRel checks got against want within tol relative to the largest
// magnitude in want.
func compareRel(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	var scale float64
	for _, w := range want {
		scale = max(scale, math.Abs(float64(w)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*max(scale, 1) {
			t.Fatalf("%s: [%d] = %g, want %g", name, i, got[i], want[i])
		}
	}
}

func TestPackErrors(t *testing.T) {
	if _, err := Pack(false, 0, 3, nil, 3); err == nil {
		t.Error("packing an empty matrix succeeded")
	}
	if _, err := Pack(false, 2, 3, make([]float32, 5), 3); err == nil {
		t.Error("packing a short slice succeeded")
	}
	p, err := Pack(false, 2, 3, make([]float32, 6), 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MulBias(4, make([]float32, 12), 4, make([]float32, 3), false, make([]float32, 8), 4); err == nil {
		t.Error("a bias of the wrong length was accepted")
	}
}

// TestParallel: bands of whole tiles make the split result identical to
// the single-threaded one.
func TestParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{300, 500, 70}, {700, 90, 40}, {2000, 1, 600}, {1, 3000, 400}, {5, 5, 5}} {
		for tr := 0; tr < 4; tr++ {
			tA, tB := tr&1 != 0, tr&2 != 0
			m, n, k := s[0], s[1], s[2]
			lda, ldb := k, n
			if tA {
				lda = m
			}
			if tB {
				ldb = k
			}
			a, b, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
			want := append([]float32(nil), c...)
			Sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, want, n)
			for _, th := range []int{0, 2, 3, 7} {
				got := append([]float32(nil), c...)
				SgemmParallel(th, tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, got, n)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%v tA=%v tB=%v threads=%d: C[%d] = %g, Sgemm %g", s, tA, tB, th, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestReluKeepsNaN: the fused clamp treats NaN as Go's max does, so a
// poisoned input stays visible instead of turning into a zero.
func TestReluKeepsNaN(t *testing.T) {
	for _, ks := range available() {
		m, n, k := 2*ks.mr, 3*ks.nr, 5
		a, b := make([]float32, m*k), make([]float32, k*n)
		for i := range a {
			a[i] = -1
		}
		b[7] = float32(math.NaN())
		p, err := pack(ks, false, m, k, a, k)
		if err != nil {
			t.Fatal(err)
		}
		c := make([]float32, m*n)
		if err := p.MulBias(n, b, n, nil, true, c, n); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				v := c[i*n+j]
				if nan := math.IsNaN(float64(v)); nan != (j == 7) || (!nan && v != 0) {
					t.Fatalf("%s: C[%d][%d] = %v", ks.name, i, j, v)
				}
			}
		}
	}
}

// TestNoAllocs: once the pooled buffers have grown, inference-sized calls
// allocate nothing.
func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	a, b, c := randSlice(r, 64*288), randSlice(r, 288*121), make([]float32, 64*121)
	bias := randSlice(r, 64)
	p, err := Pack(false, 64, 288, a, 288)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func(){
		"Sgemm":         func() { Sgemm(false, false, 64, 121, 288, 1, a, 288, b, 121, 0, c, 121) },
		"Sgemm/tB":      func() { Sgemm(false, true, 64, 64, 288, 1, a, 288, a, 288, 1, c, 64) },
		"Sgemm/gemv":    func() { Sgemm(false, false, 64, 1, 288, 1, a, 288, b, 121, 0, c, 1) },
		"Sgemm/gemv-tA": func() { Sgemm(true, false, 288, 1, 64, 1, a, 288, b, 1, 0, c, 1) },
		"MulBias":       func() { _ = MulBias(64, 121, 288, a, 288, b, 121, bias, true, c, 121) },
		"Packed":        func() { _ = p.MulBias(121, b, 121, bias, true, c, 121) },
	}
	for name, f := range calls {
		f()
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}
