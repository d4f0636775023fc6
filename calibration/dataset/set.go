package dataset

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Set is a list of labelled images, all of one CHW shape, values in [0, 1].
// A Set is read-only once built and safe for concurrent readers.
type Set struct {
	Shape   nn.Shape
	Images  []float32 // Len() x Shape.Len(), row-major
	Labels  []int     // indices into Classes
	Classes []string
}

// Len is the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Image returns image i as a slice into Images (do not modify it).
func (s *Set) Image(i int) []float32 {
	n := s.Shape.Len()
	return s.Images[i*n : (i+1)*n]
}

// Validate checks that images, labels and classes agree.
func (s *Set) Validate() error {
	n := s.Shape.Len()
	if n <= 0 {
		return fmt.Errorf("dataset: image shape %v", s.Shape)
	}
	if len(s.Images) != len(s.Labels)*n {
		return fmt.Errorf("dataset: %d values for %d images of %v", len(s.Images), len(s.Labels), s.Shape)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= len(s.Classes) {
			return fmt.Errorf("dataset: image %d has label %d, but there are %d classes", i, l, len(s.Classes))
		}
	}
	return nil
}

// Pick returns a new Set of the images at idx, in that order.
func (s *Set) Pick(idx []int) *Set {
	n := s.Shape.Len()
	out := &Set{Shape: s.Shape, Classes: s.Classes, Images: make([]float32, 0, len(idx)*n), Labels: make([]int, 0, len(idx))}
	for _, i := range idx {
		out.Images = append(out.Images, s.Image(i)...)
		out.Labels = append(out.Labels, s.Labels[i])
	}
	return out
}

// Perm is a permutation of 0..n-1 that depends only on n and seed.
func Perm(n int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, 0x5eed_da7a))
	return r.Perm(n)
}

// Split shuffles the set with seed and returns the first Len()-nVal images
// as the training part and the last nVal as the validation part. The same
// seed always gives the same split.
func (s *Set) Split(nVal int, seed uint64) (train, val *Set, err error) {
	if nVal < 0 || nVal >= s.Len() {
		return nil, nil, fmt.Errorf("dataset: cannot hold out %d of %d images for validation", nVal, s.Len())
	}
	p := Perm(s.Len(), seed)
	return s.Pick(p[:s.Len()-nVal]), s.Pick(p[s.Len()-nVal:]), nil
}

// Subset returns n images drawn without replacement with seed (the whole
// set, shuffled, if n >= Len()). The paper's 4000/1000 protocol is
// train.Subset(4000, seed) and test.Subset(1000, seed).
func (s *Set) Subset(n int, seed uint64) *Set {
	p := Perm(s.Len(), seed)
	if n < len(p) {
		p = p[:n]
	}
	return s.Pick(p)
}

// Counts is the number of images of each class.
func (s *Set) Counts() []int {
	c := make([]int, len(s.Classes))
	for _, l := range s.Labels {
		c[l]++
	}
	return c
}

// FromIDX builds a Set from an idx image file (N x H x W, or N x C x H x W)
// and an idx label file (N). Pixels are scaled from 0..255 to [0, 1];
// classes are named by their numbers, 0 to the largest label.
func FromIDX(images, labels *IDX) (*Set, error) {
	var sh nn.Shape
	switch len(images.Dims) {
	case 3:
		sh = nn.Shape{C: 1, H: images.Dims[1], W: images.Dims[2]}
	case 4:
		sh = nn.Shape{C: images.Dims[1], H: images.Dims[2], W: images.Dims[3]}
	default:
		return nil, fmt.Errorf("dataset: image file has dimensions %v, want N x H x W", images.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("dataset: label file has dimensions %v, want N", labels.Dims)
	}
	if labels.Dims[0] != images.Dims[0] {
		return nil, fmt.Errorf("dataset: %d images but %d labels", images.Dims[0], labels.Dims[0])
	}
	top := 0
	lab := make([]int, len(labels.Data))
	for i, b := range labels.Data {
		lab[i] = int(b)
		top = max(top, int(b))
	}
	classes := make([]string, top+1)
	for i := range classes {
		classes[i] = strconv.Itoa(i)
	}
	img := make([]float32, len(images.Data))
	for i, b := range images.Data {
		img[i] = float32(b) / 255
	}
	s := &Set{Shape: sh, Images: img, Labels: lab, Classes: classes}
	return s, s.Validate()
}

// ReadIDXSet loads an image file and a label file in idx format (gzipped or
// plain) from disk.
func ReadIDXSet(imagesPath, labelsPath string) (*Set, error) {
	im, err := readIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	lb, err := readIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	s, err := FromIDX(im, lb)
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", imagesPath, labelsPath, err)
	}
	return s, nil
}

func readIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}
