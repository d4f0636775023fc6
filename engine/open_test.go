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
