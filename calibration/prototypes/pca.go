package prototypes

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// PCA returns the mean of the rows of x (n x d) and the top `out`
// principal directions as an out x d row-major matrix.
func PCA(x []float32, n, d, out int) (mean, w []float32, err error) {
	if out <= 0 || out > d {
		return nil, nil, fmt.Errorf("pca: %d components of %d dimensions", out, d)
	}
	mean, centred := centre(x, n, d)
	cov := make([]float32, d*d)
	gemm.Sgemm(true, false, d, d, n, 1/float32(n), centred, d, centred, d, 0, cov, d)
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, float64(cov[i*d+j]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return nil, nil, fmt.Errorf("pca: eigen decomposition of the %dx%d covariance failed", d, d)
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	vals := eig.Values(nil) // ascending
	w = make([]float32, out*d)
	for c := 0; c < out; c++ {
		col := d - 1 - c
		if vals[col] < 0 || math.IsNaN(vals[col]) {
			return nil, nil, fmt.Errorf("pca: component %d has eigenvalue %v", c, vals[col])
		}
		for j := 0; j < d; j++ {
			w[c*d+j] = float32(vecs.At(j, col))
		}
	}
	return mean, w, nil
}

// centre returns the column means of the n x d rows of x, and the rows
// less those means.
func centre(x []float32, n, d int) (mean, centred []float32) {
	mean = make([]float32, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float32(n)
	}
	centred = make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : (i+1)*d] {
			centred[i*d+j] = v - mean[j]
		}
	}
	return mean, centred
}
