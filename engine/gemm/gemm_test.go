package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naive is the textbook triple loop in float64: the oracle every path is
// held to.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(at(a, transA, i, p, lda)) * float64(at(b, transB, p, j, ldb))
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

// at is element (i, j) of op(X) for X stored with row stride ld.
func at(x []float32, trans bool, i, j, ld int) float32 {
	if trans {
		return x[j*ld+i]
	}
	return x[i*ld+j]
}

// bound is the size a rounding error of C[i][j] is measured against.
func bound(transA, transB bool, i, j, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta, c0 float32) float64 {
	var s float64
	for p := 0; p < k; p++ {
		av, bv := at(a, transA, i, p, lda), at(b, transB, p, j, ldb)
		s += math.Abs(float64(av) * float64(bv))
	}
	return math.Abs(float64(alpha))*s + math.Abs(float64(beta)*float64(c0)) + 1e-30
}

// gemmCase is one multiply with padded strides, so that writes past a row
// (into the padding) are caught.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,alpha=%g,beta=%g,pad=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// check runs tc on ks and on the oracle and compares every value of C,
// padding included.
func check(t *testing.T, ks *kernels, tc gemmCase, r *rand.Rand) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	a := randSlice(r, max(1, ar*lda))
	b := randSlice(r, max(1, br*ldb))
	c := randSlice(r, max(1, tc.m*ldc))
	want := append([]float32(nil), c...)
	naive(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
	got := append([]float32(nil), c...)
	sgemm(ks, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
	for i := 0; i < tc.m; i++ {
		for j := 0; j < ldc; j++ {
			x := i*ldc + j
			if j >= tc.n {
				if got[x] != c[x] {
					t.Fatalf("%s %v: wrote padding C[%d][%d]", ks.name, tc, i, j)
				}
				continue
			}
			tol := 1e-5 * bound(tc.transA, tc.transB, i, j, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c[x])
			if d := math.Abs(float64(got[x]) - float64(want[x])); !(d <= tol) {
				t.Fatalf("%s %v: C[%d][%d] = %g, want %g (diff %g > %g)", ks.name, tc, i, j, got[x], want[x], d, tol)
			}
		}
	}
}

// TestGolden pins a product small enough to work out by hand.
func TestGolden(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}    // 2x3
	b := []float32{7, 8, 9, 10, 11, 12} // 3x2
	want := []float32{58, 64, 139, 154} // A·B
	for _, ks := range available() {
		c := []float32{1, 1, 1, 1}
		sgemm(ks, false, false, 2, 2, 3, 2, a, 3, b, 2, -1, c, 2)
		for i, w := range want {
			if c[i] != 2*w-1 {
				t.Errorf("%s: C = %v, want 2*%v-1", ks.name, c, want)
				break
			}
		}
	}
}

// TestShapes runs every kernel set over the shapes the engine uses and a
// spread of odd sizes and tails, in all transpose combinations.
func TestShapes(t *testing.T) {
	shapes := [][3]int{
		{1, 1, 1}, {2, 3, 1}, {3, 2, 5}, {5, 7, 3}, {7, 17, 9}, {13, 33, 31}, {17, 15, 64},
		{6, 16, 8}, {8, 32, 16}, {12, 32, 7}, {25, 49, 300}, {33, 65, 129}, {1, 37, 50},
		{37, 1, 50}, {64, 121, 288}, {32, 676, 9}, {200, 70, 520}, {4, 1030, 3},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, ks := range available() {
		for _, s := range shapes {
			for tr := 0; tr < 4; tr++ {
				tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 1, pad: tr % 3}
				check(t, ks, tc, r)
			}
		}
	}
}

// TestScalars covers alpha and beta values with special meaning.
func TestScalars(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, ks := range available() {
		for _, alpha := range []float32{1, -0.5, 0, 3} {
			for _, beta := range []float32{0, 1, 0.25, -2} {
				for _, s := range [][3]int{{9, 23, 11}, {1, 19, 6}, {21, 1, 6}} {
					check(t, ks, gemmCase{true, false, s[0], s[1], s[2], alpha, beta, 2}, r)
					check(t, ks, gemmCase{false, true, s[0], s[1], s[2], alpha, beta, 0}, r)
				}
			}
		}
	}
}

// TestRandom throws random shapes, strides and scalars at every set.
func TestRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 300
	if testing.Short() {
		n = 60
	}
	for _, ks := range available() {
		for range n {
			tc := gemmCase{
				transA: r.IntN(2) == 1, transB: r.IntN(2) == 1,
				m: 1 + r.IntN(70), n: 1 + r.IntN(90), k: 1 + r.IntN(150),
				alpha: []float32{1, 0.5, -1.25}[r.IntN(3)], beta: []float32{0, 1, 0.75}[r.IntN(3)],
				pad: r.IntN(5),
			}
			check(t, ks, tc, r)
		}
	}
}

// TestFastMatchesGo holds each fast set to the pure-Go set on a large
// product, where differences in summation order add up.
func TestFastMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m, n, k := 70, 300, 1000
	a, b, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
	want := append([]float32(nil), c...)
	sgemm(&goKernels, false, false, m, n, k, 1, a, k, b, n, 0.5, want, n)
	for _, ks := range available() {
		got := append([]float32(nil), c...)
		sgemm(ks, false, false, m, n, k, 1, a, k, b, n, 0.5, got, n)
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-3 {
				t.Fatalf("%s: C[%d] = %g, go kernel %g", ks.name, i, got[i], want[i])
			}
		}
	}
}

// TestBetaZeroClearsNaN: beta == 0 means C is not read, so NaN in it must
// not survive.
func TestBetaZeroClearsNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, ks := range available() {
		for _, s := range [][3]int{{5, 9, 4}, {5, 1, 4}, {1, 9, 4}, {5, 9, 0}} {
			m, n, k := s[0], s[1], s[2]
			a, b := make([]float32, m*k), make([]float32, k*n)
			c := make([]float32, m*n)
			for i := range c {
				c[i] = nan
			}
			sgemm(ks, false, false, m, n, k, 1, a, max(k, 1), b, n, 0, c, n)
			for i, v := range c {
				if v != 0 {
					t.Fatalf("%s %v: C[%d] = %v, want 0", ks.name, s, i, v)
				}
			}
		}
	}
}

func TestCheck(t *testing.T) {
	buf := make([]float32, 12)
	cases := []struct {
		name    string
		m, n, k int
		lda     int
		a       []float32
		want    string
	}{
		{"ok", 3, 2, 2, 2, buf, ""},
		{"negative", -1, 2, 2, 2, buf, "negative dimension"},
		{"stride", 3, 2, 4, 2, buf, "A is 3x4 but its row stride is 2"},
		{"short", 3, 2, 5, 5, buf[:10], "A is 3x5 with stride 5 and needs 15 values, has 10"},
	}
	for _, tc := range cases {
		err := Check(false, false, tc.m, tc.n, tc.k, tc.a, tc.lda, buf, 2, buf, 2)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestSgemmPanicsWithReason(t *testing.T) {
	defer func() {
		r := recover()
		if err, ok := r.(error); !ok || !strings.Contains(err.Error(), "C is 2x2") {
			t.Errorf("recovered %v, want an error about C", r)
		}
	}()
	Sgemm(false, false, 2, 2, 1, 1, make([]float32, 2), 1, make([]float32, 2), 2, 0, make([]float32, 3), 2)
}
