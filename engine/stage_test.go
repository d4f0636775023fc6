package engine_test

import (
	"math"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// refClassify is the k-NN stage written out plainly: the projection and
// the distances as row-by-row dot products, the k nearest by insertion,
// the kernel vote and the Mahalanobis rule one row at a time.
func refClassify(e *engine.Engine, conv []float32) (label int, known bool) {
	p, s := e.Proj, e.KNN
	feat := make([]float32, p.Out)
	for o := range feat {
		var z float32
		for i, v := range conv {
			z += p.W[o*p.In+i] * v
		}
		feat[o] = z
	}
	var qn float32
	for _, v := range feat {
		qn += v * v
	}
	type nb struct {
		i int
		d float32
	}
	var near []nb
	for i := 0; i < s.Len(); i++ {
		row := s.Vectors[i*s.Dim : (i+1)*s.Dim]
		var dot, norm float32
		for j, v := range row {
			dot += v * feat[j]
			norm += v * v
		}
		d := max(qn-2*dot+norm, 0)
		if len(near) == s.K && d >= near[s.K-1].d {
			continue
		}
		if len(near) < s.K {
			near = append(near, nb{})
		}
		j := len(near) - 1
		for ; j > 0 && near[j-1].d > d; j-- {
			near[j] = near[j-1]
		}
		near[j] = nb{i, d}
	}
	w := make([]float64, len(s.Classes))
	d1 := math.Sqrt(float64(near[0].d))
	for _, n := range near {
		d := math.Sqrt(float64(n.d))
		w[s.Labels[n.i]] += math.Exp(-knn.KernelGamma * (d*d - d1*d1))
	}
	label = s.Labels[near[0].i]
	for c := range w {
		if w[c] > w[label] {
			label = c
		}
	}
	c := s.Open
	var sum float64
	for i := 0; i < s.Dim; i++ {
		var z float32
		for j := 0; j < s.Dim; j++ {
			z += c.Whiten[i*s.Dim+j] * (feat[j] - c.Means[label*s.Dim+j])
		}
		sum += float64(z) * float64(z)
	}
	return label, math.Sqrt(sum) <= float64(c.Radius[label])
}

// mnistAndDefault is the MNIST test set (skipping without it) and the
// default engine.
func mnistAndDefault(t *testing.T) (*dataset.Set, *engine.Engine) {
	t.Helper()
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	return test, e
}

// The default engine's answers on the 10,000 MNIST test images are the
// reference's, label and known alike, with the projection in float32 as
// the reference has it (TestIntegerProjectionOnMNIST compares the other).
func TestStageMatchesReferenceOnMNIST(t *testing.T) {
	test, e := mnistAndDefault(t)
	if e.Proj == nil || len(e.Proj.Mean) != 0 || e.KNN.Vote != knn.Kernel || e.KNN.Metric != knn.L2 || !e.KNN.Open.Gaussian() || e.KNN.Open.Other >= 0 {
		t.Skip("the reference covers an L2 kernel-vote Gaussian engine with a mean-free projection")
	}
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	s.FloatProjection = true
	s.UnknownViews = 1 // the reference is the one-view rule
	r, err := nn.NewRunner(&e.Stack)
	if err != nil {
		t.Fatal(err)
	}
	n := test.Len()
	if testing.Short() {
		n = 1000
	}
	for i := 0; i < n; i++ {
		p, err := s.Classify(test.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		conv, err := r.Forward(test.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		label, known := refClassify(e, conv)
		if p.Label != label || p.Known != known {
			t.Errorf("image %d: label %d known %v, reference %d %v", i, p.Label, p.Known, label, known)
		}
	}
}

// The integer projection (int8 codes against the input coded to 16 bits)
// answers the 10,000 MNIST test images with the float32 one's labels; a
// known/unknown answer may flip at a radius (none did; one did with int16
// codes against a signed 16-bit input), and the features agree to 1e-4
// of their largest value.
func TestIntegerProjectionOnMNIST(t *testing.T) {
	test, e := mnistAndDefault(t)
	if !gemm.HasDotsInt16() {
		t.Skip("no int16 dot-product kernel here: sessions use the float32 projection")
	}
	a, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	b.FloatProjection = true
	flips := 0
	var diff, top float64
	for i := 0; i < test.Len(); i++ {
		pa, err := a.Classify(test.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := b.Classify(test.Image(i))
		if pa.Label != pb.Label {
			t.Fatalf("image %d: label %d, float32 projection %d", i, pa.Label, pb.Label)
		}
		if pa.Known != pb.Known {
			flips++
		}
		fa, _ := a.Features(test.Image(i))
		fb, _ := b.Features(test.Image(i))
		for j := range fa {
			diff = max(diff, math.Abs(float64(fa[j]-fb[j])))
			top = max(top, math.Abs(float64(fb[j])))
		}
	}
	t.Logf("known/unknown flips %d, largest feature difference %.3g of %.3g", flips, diff, top)
	if flips > 5 || diff > 1e-4*top {
		t.Errorf("%d known/unknown flips (want <= 5), feature difference %.3g of %.3g (want <= 1e-4)", flips, diff, top)
	}
}
