package prototypes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// subspaceExtra is how many directions beyond the asked-for ones the
// iteration carries: they absorb the slow convergence near the cut.
const subspaceExtra = 10

// SubspacePCA approximates PCA's top `out` principal directions by
// randomized subspace iteration (Halko, Martinsson and Tropp, 2011): a
// random block of directions is multiplied by the covariance iters times
// and re-orthonormalised, then rotated to the eigenvectors of the
// covariance within it. It costs O(iters·n·d·out) instead of PCA's full
// d x d eigendecomposition, which takes about a minute for the 2,304
// conv features of a 32x32 input; the components are as good a start for
// learned prototypes. The same seed gives the same result.
func SubspacePCA(x []float32, n, d, out, iters int, seed uint64) (mean, w []float32, err error) {
	if out <= 0 || out > d {
		return nil, nil, fmt.Errorf("pca: %d components of %d dimensions", out, d)
	}
	if n < 2 {
		return nil, nil, fmt.Errorf("pca: %d rows", n)
	}
	l := min(d, out+subspaceExtra)
	mean, centred := centre(x, n, d)
	// q is l x d, one direction per row.
	r := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	q := make([]float32, l*d)
	for i := range q {
		q[i] = float32(r.NormFloat64())
	}
	if err := orthonormalRows(q, l, d, r); err != nil {
		return nil, nil, err
	}
	y := make([]float32, n*l)
	for range max(1, iters) {
		// q <- (Xc^T Xc q^T)^T, then orthonormal again.
		gemm.Sgemm(false, true, n, l, d, 1, centred, d, q, d, 0, y, l)
		gemm.Sgemm(true, false, l, d, n, 1, y, l, centred, d, 0, q, d)
		if err := orthonormalRows(q, l, d, r); err != nil {
			return nil, nil, err
		}
	}
	// Rayleigh-Ritz: the covariance within span(q) is (Xc q^T)^T (Xc q^T) / n.
	gemm.Sgemm(false, true, n, l, d, 1, centred, d, q, d, 0, y, l)
	small := mat.NewSymDense(l, nil)
	for a := 0; a < l; a++ {
		for b := a; b < l; b++ {
			var s float64
			for i := 0; i < n; i++ {
				s += float64(y[i*l+a]) * float64(y[i*l+b])
			}
			small.SetSym(a, b, s/float64(n))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(small, true) {
		return nil, nil, fmt.Errorf("pca: eigen decomposition of the %dx%d subspace failed", l, l)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, l)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	w = make([]float32, out*d)
	for c := 0; c < out; c++ {
		k := order[c]
		if vals[k] < -1e-6 || math.IsNaN(vals[k]) {
			return nil, nil, fmt.Errorf("pca: component %d has eigenvalue %v", c, vals[k])
		}
		row := w[c*d : (c+1)*d]
		for a := 0; a < l; a++ {
			v := float32(vecs.At(a, k))
			for j, qv := range q[a*d : (a+1)*d] {
				row[j] += v * qv
			}
		}
	}
	return mean, w, nil
}

// orthonormalRows makes the l rows of q (l x d) orthonormal by modified
// Gram-Schmidt, twice for accuracy, in float64. A row that the others
// span (features of lower rank than l) is replaced by a random one.
func orthonormalRows(q []float32, l, d int, r *rand.Rand) error {
	rows := make([][]float64, l)
	for a := range rows {
		rows[a] = make([]float64, d)
		for j := range rows[a] {
			rows[a][j] = float64(q[a*d+j])
		}
	}
	for a := range rows {
		for try := 0; ; try++ {
			var norm float64
			for range 2 {
				for b := 0; b < a; b++ {
					var dot float64
					for j, v := range rows[a] {
						dot += v * rows[b][j]
					}
					for j := range rows[a] {
						rows[a][j] -= dot * rows[b][j]
					}
				}
				norm = 0
				for _, v := range rows[a] {
					norm += v * v
				}
				norm = math.Sqrt(norm)
				if !(norm > 1e-9) {
					break
				}
				for j := range rows[a] {
					rows[a][j] /= norm
				}
			}
			if norm > 1e-9 {
				break
			}
			if try == 3 {
				return fmt.Errorf("pca: cannot find %d orthogonal directions in %d dimensions", l, d)
			}
			for j := range rows[a] {
				rows[a][j] = r.NormFloat64()
			}
		}
	}
	for a, row := range rows {
		for j, v := range row {
			q[a*d+j] = float32(v)
		}
	}
	return nil
}
