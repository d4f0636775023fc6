package knn

import (
	"fmt"
	"math"
	"slices"
)

// Open-set answers. Every class gets a radius: the distance from its
// nearest prototype within which a chosen share (Calibration.Quantile) of
// the class's own held-out inputs fall. An input whose nearest prototype
// is farther than its class's radius (times a strictness knob) is
// unknown: the engine has never seen anything like it. The radius also
// makes the score a confidence: the vote share times a closeness that is
// about 1 well inside the radius, 0.5 at it, and falls towards 0 beyond.

// Calibration is a Set's open-set calibration.
type Calibration struct {
	// Quantile is the share of a class's held-out inputs inside its radius
	// (0.99: one in a hundred of the class's own inputs is called unknown).
	Quantile float32
	// Radius per class index; 0 means the class has no radius yet (never
	// unknown).
	Radius []float32
	// Other is the class that stands for "none of the classes" (trained on
	// other shapes so that unseen things fall near it), or -1. A win by it
	// is an unknown answer, and it is never listed as a class to enrol.
	Other int
}

// OtherName is the name of the "none of the classes" class in an engine
// file; enrolment refuses it.
const OtherName = "unknown"

// closeness is 1/(1+r^closenessPower) for r = distance/radius.
const closenessPower = 8

// Closeness maps distance over radius to (0, 1]: 0.5 at the radius.
func Closeness(ratio float64) float32 {
	if ratio <= 0 {
		return 1
	}
	return float32(1 / (1 + math.Pow(ratio, closenessPower)))
}

// validateOpen checks the calibration against the set.
func (s *Set) validateOpen() error {
	c := s.Open
	if c == nil {
		return nil
	}
	if len(c.Radius) != len(s.Classes) {
		return fmt.Errorf("knn: %d class radii for %d classes", len(c.Radius), len(s.Classes))
	}
	if c.Other < -1 || c.Other >= len(s.Classes) {
		return fmt.Errorf("knn: 'other' class %d of %d", c.Other, len(s.Classes))
	}
	if !(c.Quantile > 0 && c.Quantile <= 1) {
		return fmt.Errorf("knn: open-set quantile %v", c.Quantile)
	}
	for i, r := range c.Radius {
		if !(r >= 0) || math.IsInf(float64(r), 0) {
			return fmt.Errorf("knn: class %d radius %v", i, r)
		}
	}
	return nil
}

// remove keeps the calibration in step with Set.Remove of class idx.
func (c *Calibration) remove(idx int) {
	c.Radius = slices.Delete(slices.Clone(c.Radius), idx, idx+1)
	switch {
	case c.Other == idx:
		c.Other = -1
	case c.Other > idx:
		c.Other--
	}
}

// Clone copies the calibration.
func (c *Calibration) Clone() *Calibration {
	if c == nil {
		return nil
	}
	d := *c
	d.Radius = slices.Clone(c.Radius)
	return &d
}

// Known says whether result r (of this set) names a class, with strictness
// scale multiplying every radius (1 is the calibrated rule, larger is more
// lenient, 0 or less turns unknown answers off), and returns the
// confidence: r.Score times the closeness of the nearest neighbour of the
// winning class. A set without calibration knows every answer.
func (s *Set) Known(r Result, scale float64) (bool, float32) {
	c := s.Open
	if c == nil || len(r.Neighbors) == 0 {
		return true, r.Score
	}
	if r.Label == c.Other {
		return scale <= 0, r.Score
	}
	rad := float64(c.Radius[r.Label])
	if rad <= 0 {
		return true, r.Score
	}
	d := float64(r.Neighbors[0].Dist)
	for _, nb := range r.Neighbors {
		if nb.Label == r.Label {
			d = float64(nb.Dist)
			break
		}
	}
	conf := r.Score * Closeness(d/rad)
	if scale <= 0 {
		return true, conf
	}
	return d <= scale*rad, conf
}

// Quantile returns the q-quantile of v (sorted in place), by linear
// interpolation; 0 for no values.
func Quantile(v []float32, q float64) float32 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	x := q * float64(len(v)-1)
	i := int(x)
	if i >= len(v)-1 {
		return v[len(v)-1]
	}
	f := float32(x - float64(i))
	return v[i]*(1-f) + v[i+1]*f
}

// Distance between a and b under metric m, as Searcher reports it.
func Distance(m Metric, a, b []float32) float64 {
	var dot, na, nb, sq float64
	for i, x := range a {
		y := float64(b[i])
		d := float64(x) - y
		sq += d * d
		dot += float64(x) * y
		na += float64(x) * float64(x)
		nb += y * y
	}
	if m == Cosine {
		if na == 0 || nb == 0 {
			return 1
		}
		return 1 - dot/math.Sqrt(na*nb)
	}
	return math.Sqrt(sq)
}

// Calibrate sets the radius of class idx from its own prototypes, as an
// enrolled class has them: the Quantile of each prototype's distance to
// the nearest other prototype of the class (leave one out), and never less
// than prior, because a handful of examples underestimates the class's
// spread. A set without calibration is left alone.
func (s *Set) Calibrate(idx int, prior float32) {
	c := s.Open
	if c == nil || idx < 0 || idx >= len(c.Radius) || idx == c.Other {
		return
	}
	var rows []int
	for i, l := range s.Labels {
		if l == idx {
			rows = append(rows, i)
		}
	}
	var loo []float32
	for _, i := range rows {
		best := math.Inf(1)
		for _, j := range rows {
			if i != j {
				best = min(best, Distance(s.Metric, s.Vectors[i*s.Dim:(i+1)*s.Dim], s.Vectors[j*s.Dim:(j+1)*s.Dim]))
			}
		}
		if !math.IsInf(best, 1) {
			loo = append(loo, float32(best))
		}
	}
	c.Radius[idx] = max(prior, Quantile(loo, float64(c.Quantile)))
}

// Prior is the radius to give a class with too few examples of its own:
// the median radius of the calibrated classes, 0 when there are none.
func (s *Set) Prior() float32 {
	c := s.Open
	if c == nil {
		return 0
	}
	var r []float32
	for i, v := range c.Radius {
		if v > 0 && i != c.Other {
			r = append(r, v)
		}
	}
	return Quantile(r, 0.5)
}
