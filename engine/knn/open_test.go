package knn

import (
	"math"
	"testing"
)

// openSet: class a around (0,0), class b around (10,0), "other" at (0,10);
// radius 1 for a and b.
func openSet() *Set {
	s := &Set{K: 2, Metric: L2, Vote: Majority, Dim: 2,
		Vectors: []float32{0, 0, 0.5, 0, 10, 0, 10.5, 0, 0, 10},
		Labels:  []int{0, 0, 1, 1, 2},
		Classes: []string{"a", "b", OtherName},
		Open:    &Calibration{Quantile: 0.99, Radius: []float32{1, 1, 0}, Other: 2},
	}
	s.Prepare()
	return s
}

func TestKnownAndConfidence(t *testing.T) {
	s := openSet()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := NewSearcher(s)
	cases := []struct {
		q     []float32
		label int
		known bool
	}{
		{[]float32{0.2, 0}, 0, true},    // inside a's radius
		{[]float32{0, 2}, 0, false},     // nearest is a, but twice its radius away
		{[]float32{10.2, 0.3}, 1, true}, // inside b
		{[]float32{0, 9.5}, 2, false},   // the "other" class wins: unknown
	}
	for _, c := range cases {
		res, err := r.Classify(c.q)
		if err != nil {
			t.Fatal(err)
		}
		known, conf := s.Known(res, 1)
		if res.Label != c.label || known != c.known {
			t.Errorf("%v: label %d known %v, want %d %v", c.q, res.Label, known, c.label, c.known)
		}
		if conf < 0 || conf > res.Score {
			t.Errorf("%v: confidence %v outside [0, vote share %v]", c.q, conf, res.Score)
		}
		if known, _ := s.Known(res, 0); !known && res.Label != 2 {
			t.Errorf("%v: scale 0 must turn unknown answers off", c.q)
		}
	}
	// Confidence falls with distance.
	near, _ := r.Classify([]float32{0.1, 0})
	_, cNear := s.Known(near, 1)
	far, _ := r.Classify([]float32{0, 1.5})
	_, cFar := s.Known(far, 1)
	if !(cNear > 0.9 && cFar < 0.2) {
		t.Errorf("confidence near %v far %v, want > 0.9 and < 0.2", cNear, cFar)
	}
	// A lenient scale keeps the far query.
	if known, _ := s.Known(far, 2); !known {
		t.Error("scale 2 should keep a query at 1.5 radii")
	}
}

func TestClosenessHalfAtRadius(t *testing.T) {
	if c := Closeness(1); math.Abs(float64(c)-0.5) > 1e-6 {
		t.Errorf("Closeness(1) = %v", c)
	}
	if Closeness(0) != 1 || !(Closeness(0.5) > 0.99) || !(Closeness(2) < 0.01) {
		t.Errorf("Closeness(0, 0.5, 2) = %v %v %v", Closeness(0), Closeness(0.5), Closeness(2))
	}
}

func TestAddCalibratesAndRemoveKeepsRadii(t *testing.T) {
	s := openSet()
	// Three examples 0.1 apart: leave-one-out distances 0.1, below the prior.
	idx, err := s.Add("c", [][]float32{{5, 5}, {5.1, 5}, {5.2, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Open.Radius[idx]; got != 1 {
		t.Errorf("radius of a tight new class %v, want the prior 1", got)
	}
	// A spread class gets its own, larger radius.
	idx, err = s.Add("d", [][]float32{{-5, -5}, {-5, -8}, {-8, -8}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Open.Radius[idx]; !(got > 2.9 && got <= 3) {
		t.Errorf("radius of a spread class %v, want about 3", got)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(OtherName, [][]float32{{1, 1}}); err == nil {
		t.Errorf("enrolling %q must fail", OtherName)
	}
	s.Remove("a")
	if len(s.Open.Radius) != len(s.Classes) || s.Classes[s.Open.Other] != OtherName {
		t.Fatalf("after Remove: classes %v radii %v other %d", s.Classes, s.Open.Radius, s.Open.Other)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestQuantile(t *testing.T) {
	v := []float32{4, 1, 3, 2, 5}
	if q := Quantile(v, 0.5); q != 3 {
		t.Errorf("median %v", q)
	}
	if q := Quantile(v, 1); q != 5 {
		t.Errorf("max %v", q)
	}
	if q := Quantile(v, 0.25); q != 2 {
		t.Errorf("q25 %v", q)
	}
	if Quantile(nil, 0.5) != 0 {
		t.Error("empty")
	}
}
