package prototypes

import (
	"math"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/models"
)

// Calibrate's radius of a class is the quantile of its inputs' Mahalanobis
// distances to the class mean, worked out here one input at a time; the
// whitening makes the pooled within-class covariance the identity; an
// "other" class keeps no radius, and a calibrated engine answers most of
// the inputs it was calibrated on as known.
func TestCalibrateRadii(t *testing.T) {
	_, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	test = test.Subset(600, 3)
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := Calibrate(e, test.Images, test.Labels, 0.9); err != nil {
		t.Fatal(err)
	}
	s, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	byClass := map[int][]float32{}
	var feats []float32
	known := 0
	for i := 0; i < test.Len(); i++ {
		f, err := s.Features(test.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		feats = append(feats, f...)
		byClass[test.Labels[i]] = append(byClass[test.Labels[i]], float32(e.KNN.Open.Mahalanobis(f, test.Labels[i])))
		if p, _ := s.Classify(test.Image(i)); p.Known {
			known++
		}
	}
	for c, d := range byClass {
		if want, got := knn.Quantile(d, 0.9), e.KNN.Open.Radius[c]; want != got {
			t.Errorf("class %d: radius %v, want %v", c, got, want)
		}
	}
	if o := e.KNN.Open.Other; (o >= 0 && e.KNN.Open.Radius[o] != 0) || e.KNN.Open.Quantile != 0.9 || !e.KNN.Open.Gaussian() {
		t.Errorf("calibration %+v", e.KNN.Open)
	}
	// Whitened, the within-class spread is 1 in every direction: the mean
	// squared whitened distance to the class mean is about the dimension.
	var sq float64
	for i := 0; i < test.Len(); i++ {
		d := e.KNN.Open.Mahalanobis(feats[i*e.KNN.Dim:(i+1)*e.KNN.Dim], test.Labels[i])
		sq += d * d
	}
	if m := sq / float64(test.Len()); math.Abs(m-float64(e.KNN.Dim)) > 0.01*float64(e.KNN.Dim) {
		t.Errorf("mean squared whitened distance %.2f, want %d", m, e.KNN.Dim)
	}
	if share := float64(known) / float64(test.Len()); share < 0.85 {
		t.Errorf("%.2f of the calibration inputs answered known, want >= 0.85 at the 0.9 quantile", share)
	}
	if err := Calibrate(e, test.Images[:10], test.Labels, 0.9); err == nil {
		t.Error("a short image slice calibrated")
	}
}
