package prototypes

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

// The "none of the classes" class. Trained only on digits, the projection
// maps anything else onto the digits (a letter is as near a digit
// prototype as digits are). Training it on other shapes too, as classes of
// their own, teaches it to keep unseen shapes apart, which is what enrolment
// and unknown answers need; their prototypes then become one class,
// knn.OtherName, that stands for "something else".

// OtherImages draws perClass images of every shape in glyphs.Other, across
// all fonts, as 28x28 MNIST-style images with labels first, first+1, ...
func OtherImages(perClass int, first int, seed uint64) (images []float32, labels []int, classes []string, err error) {
	fonts := glyphs.Fonts()
	o := glyphs.DefaultOptions()
	for i, r := range glyphs.Other {
		classes = append(classes, "other-"+string(r))
		for j := 0; j < perClass; j++ {
			g, err := glyphs.MNIST(r, fonts[j%len(fonts)], seed+uint64(i)<<32+uint64(j), o)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("other shape %q: %w", r, err)
			}
			images = append(images, g...)
			labels = append(labels, first+i)
		}
	}
	return images, labels, classes, nil
}

// MergeOther turns the classes from index first on into one class named
// knn.OtherName, keeping every keepEvery-th of their prototypes, and marks
// it as the set's "other" class. keepEvery 0 drops them all: the
// projection keeps what training on them taught it, and a Gaussian
// calibration answers unknown without them (an enrolled class with one
// example is then not outvoted by them).
func MergeOther(e *engine.Engine, first, keepEvery int) error {
	s := e.KNN
	if s == nil || first <= 0 || first >= len(s.Classes) {
		return fmt.Errorf("merge other: no classes from %d", first)
	}
	var vecs []float32
	var labels []int
	seen := 0
	for i, l := range s.Labels {
		if l >= first {
			seen++
			if keepEvery <= 0 || (seen-1)%keepEvery != 0 {
				continue
			}
			l = first
		}
		vecs = append(vecs, s.Vectors[i*s.Dim:(i+1)*s.Dim]...)
		labels = append(labels, l)
	}
	s.Vectors, s.Labels = vecs, labels
	s.Classes = s.Classes[:first:first]
	other := -1
	if keepEvery > 0 {
		other = first
		s.Classes = append(s.Classes, knn.OtherName)
	}
	s.Open = &knn.Calibration{Radius: make([]float32, len(s.Classes)), Other: other, Quantile: 1}
	s.Prepare()
	return e.Validate()
}
