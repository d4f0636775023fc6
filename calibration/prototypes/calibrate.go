package prototypes

import (
	"fmt"
	"math"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

// DefaultQuantile is the share of a class's own held-out inputs that the
// open-set rule keeps: one in a hundred is called unknown.
const DefaultQuantile = 0.99

// Calibrate sets the open-set radius of every class of e that has inputs
// among the n held-out images (the stack's input shape each, labels
// indexing e's classes): the q-quantile of their distance to the nearest
// prototype of their own class. It keeps an "other" class that
// MergeOther made.
func Calibrate(e *engine.Engine, images []float32, labels []int, q float64) error {
	s := e.KNN
	if s == nil {
		return fmt.Errorf("calibrate: %s is not a sliced engine", e.Name)
	}
	if !(q > 0 && q <= 1) {
		return fmt.Errorf("calibrate: quantile %v is not in (0, 1]", q)
	}
	n, inLen := len(labels), e.Stack.In.Len()
	if len(images) != n*inLen {
		return fmt.Errorf("calibrate: %d values for %d inputs of %d", len(images), n, inLen)
	}
	dist := make([]float32, n)
	err := EachInput(e, images, n, func(_ int, sess *engine.Session, i int, in []float32) error {
		f, err := sess.Features(in)
		if err == nil {
			dist[i] = NearestOf(s, f, labels[i])
		}
		return err
	})
	if err != nil {
		return err
	}
	byClass := make([][]float32, len(s.Classes))
	for i, l := range labels {
		if l < 0 || l >= len(s.Classes) {
			return fmt.Errorf("calibrate: input %d has class %d of %d", i, l, len(s.Classes))
		}
		byClass[l] = append(byClass[l], dist[i])
	}
	c := s.Open.Clone()
	if c == nil {
		c = &knn.Calibration{Other: -1}
	}
	c.Quantile = float32(q)
	c.Radius = make([]float32, len(s.Classes))
	for l, d := range byClass {
		if l != c.Other {
			c.Radius[l] = knn.Quantile(d, q)
		}
	}
	s.Open = c
	return e.Validate()
}

// NearestOf is the distance from feature vector f to the nearest prototype
// of class (under the set's metric), +Inf when the class has none.
func NearestOf(s *knn.Set, f []float32, class int) float32 {
	best := math.Inf(1)
	for j, l := range s.Labels {
		if l != class {
			continue
		}
		best = min(best, knn.Distance(s.Metric, f, s.Vectors[j*s.Dim:(j+1)*s.Dim]))
	}
	return float32(best)
}
