package prototypes

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

// DefaultQuantile is the share of a class's own held-out inputs that the
// open-set rule keeps: one in a hundred is called unknown.
const DefaultQuantile = 0.99

// Calibrate gives e a Gaussian open-set calibration from the n held-out
// images (the stack's input shape each, labels indexing e's classes): the
// mean feature vector of every class that has inputs, the whitening of
// their pooled within-class covariance, and as radius the q-quantile of
// the inputs' Mahalanobis distances to their class mean. It keeps an
// "other" class that MergeOther made (no radius: a win by it is unknown).
func Calibrate(e *engine.Engine, images []float32, labels []int, q float64) error {
	s := e.KNN
	if s == nil {
		return fmt.Errorf("calibrate: %s is not a sliced engine", e.Name)
	}
	if !(q > 0 && q <= 1) {
		return fmt.Errorf("calibrate: quantile %v is not in (0, 1]", q)
	}
	n, inLen, dim := len(labels), e.Stack.In.Len(), s.Dim
	if len(images) != n*inLen {
		return fmt.Errorf("calibrate: %d values for %d inputs of %d", len(images), n, inLen)
	}
	for i, l := range labels {
		if l < 0 || l >= len(s.Classes) {
			return fmt.Errorf("calibrate: input %d has class %d of %d", i, l, len(s.Classes))
		}
	}
	feats := make([]float32, n*dim)
	err := EachInput(e, images, n, func(_ int, sess *engine.Session, i int, in []float32) error {
		f, err := sess.Features(in)
		if err == nil {
			copy(feats[i*dim:], f)
		}
		return err
	})
	if err != nil {
		return err
	}
	c := s.Open.Clone()
	if c == nil {
		c = &knn.Calibration{Other: -1}
	}
	c.Quantile = float32(q)
	c.Radius = make([]float32, len(s.Classes))
	if c.Means, c.Whiten, err = gaussian(feats, labels, len(s.Classes), dim); err != nil {
		return err
	}
	byClass := make([][]float32, len(s.Classes))
	for i, l := range labels {
		byClass[l] = append(byClass[l], float32(c.Mahalanobis(feats[i*dim:(i+1)*dim], l)))
	}
	for l, d := range byClass {
		if l != c.Other {
			c.Radius[l] = knn.Quantile(d, q)
		}
	}
	s.Open = c
	return e.Validate()
}

// gaussian returns the class means (classes x dim; zero for a class with
// no rows) and the symmetric inverse square root of the pooled
// within-class covariance of the n rows of feats.
func gaussian(feats []float32, labels []int, classes, dim int) (means, whiten []float32, err error) {
	sum := make([]float64, classes*dim)
	count := make([]int, classes)
	for i, l := range labels {
		count[l]++
		for j, v := range feats[i*dim : (i+1)*dim] {
			sum[l*dim+j] += float64(v)
		}
	}
	means = make([]float32, classes*dim)
	for l := 0; l < classes; l++ {
		for j := 0; j < dim; j++ {
			if count[l] > 0 {
				sum[l*dim+j] /= float64(count[l])
				means[l*dim+j] = float32(sum[l*dim+j])
			}
		}
	}
	cov := mat.NewSymDense(dim, nil)
	d := make([]float64, dim)
	for i, l := range labels {
		for j, v := range feats[i*dim : (i+1)*dim] {
			d[j] = float64(v) - sum[l*dim+j]
		}
		cov.SymRankOne(cov, 1/float64(len(labels)), mat.NewVecDense(dim, d))
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, nil, fmt.Errorf("calibrate: the feature covariance has no eigendecomposition")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// A direction with (almost) no spread would get an infinite weight;
	// floor it at a millionth of the largest variance.
	floor := 1e-6 * vals[len(vals)-1]
	if !(floor > 0) {
		return nil, nil, fmt.Errorf("calibrate: the features do not vary")
	}
	whiten = make([]float32, dim*dim)
	for a := 0; a < dim; a++ {
		for b := 0; b < dim; b++ {
			var w float64
			for k, v := range vals {
				w += vecs.At(a, k) * vecs.At(b, k) / math.Sqrt(max(v, floor))
			}
			whiten[a*dim+b] = float32(w)
		}
	}
	return means, whiten, nil
}
