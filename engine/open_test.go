package engine

import (
	"bytes"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/knn"
)

// The open-set calibration travels in its own section; a file without it
// (written before it existed) decodes with none.
func TestOpenSectionRoundTrip(t *testing.T) {
	e := tinyEngine(true, F32, F32)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{0.8, 1.25}, Other: -1}
	got, err := Decode(encode(t, e))
	if err != nil {
		t.Fatal(err)
	}
	o := got.KNN.Open
	if o == nil || o.Quantile != 0.99 || o.Other != -1 || !slices.Equal(o.Radius, []float32{0.8, 1.25}) {
		t.Fatalf("decoded calibration %+v", o)
	}
	e.KNN.Open = nil
	plain, err := Decode(encode(t, e))
	if err != nil {
		t.Fatal(err)
	}
	if plain.KNN.Open != nil {
		t.Fatalf("a file without OPEN decoded with %+v", plain.KNN.Open)
	}
	if bytes.Contains(encode(t, e), []byte("OPEN")) {
		t.Error("an uncalibrated engine wrote an OPEN section")
	}
}

// A calibration that does not fit the classes is refused.
func TestOpenSectionRejectsMismatch(t *testing.T) {
	e := tinyEngine(false, F32, F32)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{1}, Other: -1}
	if err := Encode(&bytes.Buffer{}, e); err == nil {
		t.Error("a calibration for 1 of 2 classes was written")
	}
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{1, 1}, Other: 5}
	if err := e.Validate(); err == nil {
		t.Error("an 'other' class beyond the classes validated")
	}
}

// A Gaussian calibration's whitening and means travel in GAUS beside
// OPEN; a GAUS that does not fit the features or the classes is refused
// with the section named.
func TestGaussSectionRoundTrip(t *testing.T) {
	e := tinyEngine(true, F32, F32)
	dim := e.KNN.Dim
	w := make([]float32, dim*dim)
	for i := 0; i < dim; i++ {
		w[i*dim+i] = float32(i + 1)
	}
	means := make([]float32, 2*dim)
	for i := range means {
		means[i] = float32(i) / 4
	}
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{2, 3}, Other: -1, Whiten: w, Means: means}
	data := encode(t, e)
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	o := got.KNN.Open
	if !o.Gaussian() || !slices.Equal(o.Whiten, w) || !slices.Equal(o.Means, means) {
		t.Fatalf("decoded calibration %+v", o)
	}
	// Older files: no GAUS, nearest-prototype radii.
	e.KNN.Open.Whiten, e.KNN.Open.Means = nil, nil
	plain, err := Decode(encode(t, e))
	if err != nil || plain.KNN.Open.Gaussian() {
		t.Fatalf("without GAUS: %v, %+v", err, plain.KNN.Open)
	}
	// A GAUS for another feature size is refused.
	e.KNN.Open.Whiten, e.KNN.Open.Means = w, means
	gaus := encodeGauss(e.KNN.Open, dim+1)
	if err := decodeGauss(e.KNN.Open.Clone(), dim, &reader{sec: "GAUS", b: gaus}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("GAUS")) {
		t.Errorf("a GAUS of dimension %d for %d decoded: %v", dim+1, dim, err)
	}
	if err := decodeGauss(e.KNN.Open.Clone(), dim, &reader{sec: "GAUS", b: gaus[:10]}); err == nil {
		t.Error("a truncated GAUS decoded")
	}
}

// A clone takes an enrolment, open-set calibration included, and leaves
// the engine it came from as it was.
func TestCloneEnrolsApart(t *testing.T) {
	e := tinyEngine(true, F32, F32)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{0.8, 1.25}, Other: -1}
	before := encode(t, e)
	c := e.Clone()
	if _, err := c.KNN.Add("new", [][]float32{make([]float32, c.KNN.Dim)}); err != nil {
		t.Fatal(err)
	}
	if len(c.KNN.Classes) != 3 || len(c.KNN.Open.Radius) != 3 {
		t.Fatalf("clone after Add: classes %v radii %v", c.KNN.Classes, c.KNN.Open.Radius)
	}
	if !bytes.Equal(encode(t, e), before) {
		t.Error("enrolling into the clone changed the original")
	}
}

// An engine with no classes and a prior radius (the scene engine before
// anything is enrolled) round-trips; its sessions answer unknown.
func TestEmptyEngineRoundTrip(t *testing.T) {
	e := tinyEngine(true, F32, F32)
	dim := e.KNN.Dim
	w := identity(dim)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{1, 1}, Other: -1, Whiten: w, Means: make([]float32, 2*dim), Prior: 3.5}
	for len(e.KNN.Classes) > 0 {
		e.KNN.Remove(e.KNN.Classes[0])
	}
	got, err := Decode(encode(t, e))
	if err != nil {
		t.Fatal(err)
	}
	if o := got.KNN.Open; len(got.KNN.Classes) != 0 || !o.Gaussian() || o.Prior != 3.5 {
		t.Fatalf("decoded classes %v calibration %+v", got.KNN.Classes, o)
	}
	s, err := got.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Classify(make([]float32, got.Stack.In.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if p.Known || p.Class != Unknown || p.Label != -1 {
		t.Fatalf("empty engine answered %+v, want unknown with label -1", p)
	}
	// Without PRIO the prior is the median radius, as before.
	e.KNN.Open.Prior = 0
	if bytes.Contains(encode(t, e), []byte("PRIO")) {
		t.Error("an engine without a prior wrote PRIO")
	}
}

// The spreads of enrolled classes travel in SPRD; a file without it reads
// as before (every class the k-NN's), and a SPRD for another class count
// is refused with the section named.
func TestSpreadSectionRoundTrip(t *testing.T) {
	e := tinyEngine(true, F32, F32)
	dim := e.KNN.Dim
	w := identity(dim)
	e.KNN.Open = &knn.Calibration{Quantile: 0.99, Radius: []float32{1, 1}, Other: -1, Whiten: w, Means: make([]float32, 2*dim)}
	if bytes.Contains(encode(t, e), []byte("SPRD")) {
		t.Error("an engine with no enrolled class wrote SPRD")
	}
	ex := make([][]float32, 3)
	for i := range ex {
		ex[i] = make([]float32, dim)
		ex[i][0] = float32(5 + i)
	}
	if _, err := e.KNN.Add("new", ex); err != nil {
		t.Fatal(err)
	}
	data := encode(t, e)
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.KNN.Open.Spread; !slices.Equal(s, e.KNN.Open.Spread) || s[2] <= 0 {
		t.Fatalf("decoded spreads %v, want %v", s, e.KNN.Open.Spread)
	}
	var b bytes.Buffer
	put(&b, uint32(2), e.KNN.Open.Spread[:2])
	if err := decodeSpread(e.KNN.Open.Clone(), 3, &reader{sec: "SPRD", b: b.Bytes()}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("SPRD")) {
		t.Errorf("a SPRD of 2 spreads for 3 classes decoded: %v", err)
	}
	b.Reset()
	put(&b, uint32(3), e.KNN.Open.Spread[:2])
	if err := decodeSpread(e.KNN.Open.Clone(), 3, &reader{sec: "SPRD", b: b.Bytes()}); err == nil {
		t.Error("a truncated SPRD decoded")
	}
}

// identity is the dim x dim identity matrix, row-major.
func identity(dim int) []float32 {
	w := make([]float32, dim*dim)
	for i := 0; i < dim; i++ {
		w[i*dim+i] = 1
	}
	return w
}
