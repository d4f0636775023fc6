package knn

import (
	"math"
	"math/rand/v2"
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
		known, conf := s.Known(c.q, res, 1)
		if res.Label != c.label || known != c.known {
			t.Errorf("%v: label %d known %v, want %d %v", c.q, res.Label, known, c.label, c.known)
		}
		if conf < 0 || conf > res.Score {
			t.Errorf("%v: confidence %v outside [0, vote share %v]", c.q, conf, res.Score)
		}
		if known, _ := s.Known(c.q, res, 0); !known && res.Label != 2 {
			t.Errorf("%v: scale 0 must turn unknown answers off", c.q)
		}
	}
	// Confidence falls with distance.
	near, _ := r.Classify([]float32{0.1, 0})
	_, cNear := s.Known([]float32{0.1, 0}, near, 1)
	far, _ := r.Classify([]float32{0, 1.5})
	_, cFar := s.Known([]float32{0, 1.5}, far, 1)
	if !(cNear > 0.9 && cFar < 0.2) {
		t.Errorf("confidence near %v far %v, want > 0.9 and < 0.2", cNear, cFar)
	}
	// A lenient scale keeps the far query.
	if known, _ := s.Known([]float32{0, 1.5}, far, 2); !known {
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

// gaussSet is openSet with a Gaussian calibration: class spread 2 along x
// and 0.5 along y (whitening diag(1/2, 2)), means at the class centres,
// radius 1 (one standard deviation).
func gaussSet() *Set {
	s := openSet()
	s.Open.Whiten = []float32{0.5, 0, 0, 2}
	s.Open.Means = []float32{0.25, 0, 10.25, 0, 0, 0}
	return s
}

// Under a Gaussian calibration the radius bounds the whitened distance to
// the class mean: a query 1.5 from a along x (spread 2) is known, one 1.5
// along y (spread 0.5) is not, though both are 1.5 from a's prototypes.
func TestGaussianKnown(t *testing.T) {
	s := gaussSet()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := NewSearcher(s)
	for _, c := range []struct {
		q     []float32
		known bool
	}{
		{[]float32{-1.5, 0}, true},
		{[]float32{0, 1.5}, false},
	} {
		res, err := r.Classify(c.q)
		if err != nil {
			t.Fatal(err)
		}
		known, conf := s.Known(c.q, res, 1)
		if res.Label != 0 || known != c.known {
			t.Errorf("%v: label %d known %v, want 0 %v", c.q, res.Label, known, c.known)
		}
		want := res.Score * Closeness(s.Open.Mahalanobis(c.q, 0)/1)
		if conf != want {
			t.Errorf("%v: confidence %v, want %v", c.q, conf, want)
		}
	}
	if d := s.Open.Mahalanobis([]float32{2.25, 1}, 0); math.Abs(d-math.Sqrt(5)) > 1e-6 {
		t.Errorf("Mahalanobis %v, want sqrt(5)", d)
	}
}

// Enrolling under a Gaussian calibration sets the class mean and a radius
// of at least the slack prior, widened for a mean from few examples;
// removing a class removes its mean.
func TestGaussianAddAndRemove(t *testing.T) {
	s := gaussSet()
	idx, err := s.Add("c", [][]float32{{5, 5}, {5.1, 5}, {5.2, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Open.Means[idx*2 : idx*2+2]; math.Abs(float64(m[0])-5.1) > 1e-5 || m[1] != 5 {
		t.Errorf("mean of the new class %v, want [5.1 5]", m)
	}
	want := float32(1 * enrolledSlack * math.Sqrt(1+1.0/3))
	if got := s.Open.Radius[idx]; math.Abs(float64(got-want)) > 1e-5 {
		t.Errorf("radius of a tight new class %v, want %v", got, want)
	}
	// Spread examples: leave-one-out distances beyond the prior decide.
	idx, err = s.Add("d", [][]float32{{-5, -5}, {-5, -8}, {-8, -8}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Open.Radius[idx]; !(got > 5) {
		t.Errorf("radius of a spread class %v, want its own spread (> 5)", got)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Remove("a")
	if len(s.Open.Means) != len(s.Classes)*s.Dim || s.Open.Means[0] != 10.25 {
		t.Fatalf("after Remove: means %v for classes %v", s.Open.Means, s.Classes)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Open.Means = s.Open.Means[:2]
	if err := s.Validate(); err == nil {
		t.Error("means for too few classes validated")
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

// Mahalanobis four rows at a time is the one-row-at-a-time sum to the bit,
// for dimensions with and without a tail and past its stack buffer.
func TestMahalanobisExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dim := range []int{1, 5, 24, 70} {
		c := &Calibration{Whiten: make([]float32, dim*dim), Means: make([]float32, 2*dim)}
		for i := range c.Whiten {
			c.Whiten[i] = float32(rng.NormFloat64())
		}
		for i := range c.Means {
			c.Means[i] = float32(rng.NormFloat64())
		}
		feat := make([]float32, dim)
		for i := range feat {
			feat[i] = float32(rng.NormFloat64())
		}
		var sum float64
		for i := 0; i < dim; i++ {
			var z float32
			for j := 0; j < dim; j++ {
				z += c.Whiten[i*dim+j] * (feat[j] - c.Means[dim+j])
			}
			sum += float64(z) * float64(z)
		}
		if got, want := c.Mahalanobis(feat, 1), math.Sqrt(sum); got != want {
			t.Errorf("dim %d: %v, want %v", dim, got, want)
		}
	}
}

// A set with no classes yet (an engine that ships for enrolment) answers
// unknown; the first class enrolled starts from the stored prior radius,
// not from the median of classes there are none of.
func TestEmptySetAnswersUnknownUntilEnrolled(t *testing.T) {
	s := &Set{K: 3, Metric: L2, Vote: Kernel, Dim: 2,
		Open: &Calibration{Quantile: 0.99, Other: -1, Whiten: []float32{1, 0, 0, 1}, Prior: 2}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := NewSearcher(s)
	res, err := r.Classify([]float32{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if known, conf := s.Known([]float32{1, 1}, res, 1); res.Label != -1 || known || conf != 0 {
		t.Fatalf("empty set: label %d known %v confidence %v, want -1 false 0", res.Label, known, conf)
	}
	idx, err := s.Add("a", [][]float32{{0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	want := float32(2 * enrolledSlack * math.Sqrt(2))
	if got := s.Open.Radius[idx]; math.Abs(float64(got-want)) > 1e-5 {
		t.Errorf("first class's radius %v, want prior x slack x sqrt(1+1/1) = %v", got, want)
	}
	r = NewSearcher(s)
	for _, c := range []struct {
		q     []float32
		known bool
	}{{[]float32{0.5, 0}, true}, {[]float32{9, 9}, false}} {
		res, err := r.Classify(c.q)
		if err != nil {
			t.Fatal(err)
		}
		if known, _ := s.Known(c.q, res, 1); res.Label != 0 || known != c.known {
			t.Errorf("%v after enrolling: label %d known %v, want 0 %v", c.q, res.Label, known, c.known)
		}
	}
	s.Remove("a")
	if err := s.Validate(); err != nil || len(s.Classes) != 0 || len(s.Open.Means) != 0 {
		t.Fatalf("after removing the only class: %v, classes %v means %v", err, s.Classes, s.Open.Means)
	}
	s.Open.Prior = float32(math.NaN())
	if err := s.Validate(); err == nil {
		t.Error("a NaN prior validated")
	}
}

// A class enrolled beside the engine's own classes is modelled on its
// own: its examples are not searched by the k-NN, it wins a query whose
// likelihood under its mean and spread beats the k-NN's winner's, and the
// engine's classes keep the queries near them. Its spread is the
// examples' own, shrunk towards 1.
func TestEnrolledClassCompetesByLikelihood(t *testing.T) {
	s := gaussSet()
	ex := [][]float32{{4, 5}, {6, 5}, {5, 4.5}, {5, 5.5}, {5, 5}}
	idx, err := s.Add("c", ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	// Whitened (x/2, 2y) squared distances to the mean (5, 5): 0.25, 0.25,
	// 1, 1, 0 over 4 degrees of freedom a dimension pair, times 5/4, shrunk
	// with 3 examples' worth of 1.
	v := (1 + 0.25 + 0.25 + 1 + 0) / (4 * 2) * 5 / 4
	want := (4*v + spreadPrior) / (4 + spreadPrior)
	if got := s.Open.Spread; len(got) != 4 || got[0] != 0 || got[1] != 0 || math.Abs(float64(got[idx])-want) > 1e-6 {
		t.Fatalf("spreads %v, want [0 0 0 %v]", got, want)
	}
	r := NewSearcher(s)
	for _, c := range []struct {
		q     []float32
		label int
	}{
		{[]float32{5, 5.2}, idx},
		{[]float32{4.6, 4.8}, idx},
		{[]float32{0.3, 0}, 0},
		{[]float32{9.8, 0.1}, 1},
	} {
		res, err := r.Classify(c.q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Label != c.label {
			t.Errorf("%v: class %d, want %d", c.q, res.Label, c.label)
		}
		for _, nb := range res.Neighbors {
			if nb.Label == idx || s.Labels[nb.Index] != nb.Label {
				t.Errorf("%v: neighbour %+v: the enrolled examples were searched, or the index is not the prototype's", c.q, nb)
			}
		}
		if !(res.Score > 0 && res.Score <= 1) {
			t.Errorf("%v: score %v", c.q, res.Score)
		}
	}
	// Removing an engine class keeps the spreads in step.
	s.Remove("a")
	if len(s.Open.Spread) != 3 || s.Open.Spread[2] == 0 {
		t.Fatalf("after Remove: spreads %v", s.Open.Spread)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Open.Spread = s.Open.Spread[:1]
	if err := s.Validate(); err == nil {
		t.Error("spreads for too few classes validated")
	}
}

// With only enrolled classes (an engine that shipped with none) there is
// nothing for them to compete with: the k-NN searches every example.
func TestOnlyEnrolledClassesAreSearched(t *testing.T) {
	s := gaussSet()
	for len(s.Classes) > 0 {
		s.Remove(s.Classes[0])
	}
	s.Add("x", [][]float32{{0, 0}, {0.5, 0}})
	s.Add("y", [][]float32{{10, 0}, {10.5, 0}})
	res, err := NewSearcher(s).Classify([]float32{10.2, 0})
	if err != nil {
		t.Fatal(err)
	}
	if res.Label != 1 || len(res.Neighbors) != 2 || res.Neighbors[0].Label != 1 {
		t.Fatalf("result %+v, want class 1 from its own examples", res)
	}
}
