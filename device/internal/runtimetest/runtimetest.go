// Package runtimetest holds what the tests of the native runtimes
// (device/onnxrt, device/openvino) share: random networks and inputs of a
// fixed seed, and the comparison with the Go engine.
package runtimetest

import (
	"math"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// RandomStack fills a copy of s with weights of variance 1/fan-in, so that
// every layer's output stays near unit scale.
func RandomStack(s nn.Stack, seed uint64) *nn.Stack {
	r := rand.New(rand.NewPCG(seed, 2))
	in := s.In
	shapes, _ := s.Shapes()
	for i := range s.Layers {
		l := &s.Layers[i]
		if _, cols := l.WeightShape(in); cols > 0 {
			a := float32(math.Sqrt(3 / float64(cols)))
			for j := range l.W {
				l.W[j] = (2*r.Float32() - 1) * a
			}
			for j := range l.B {
				l.B[j] = (2*r.Float32() - 1) * 0.1
			}
		}
		in = shapes[i]
	}
	return &s
}

// RandomImage is an MNIST-sized input of uniform values in [0, 1).
func RandomImage(seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 3))
	img := make([]float32, models.MNISTInput.Len())
	for i := range img {
		img[i] = r.Float32()
	}
	return img
}

// MaxDiff is the largest absolute difference between a and b.
func MaxDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}
