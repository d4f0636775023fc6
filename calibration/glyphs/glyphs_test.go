package glyphs

import (
	"slices"
	"testing"
)

// Every shape of both sets draws in every font, as a non-empty 28x28
// tensor in [0, 1], the same for the same seed.
func TestEveryShapeDrawsInEveryFont(t *testing.T) {
	o := DefaultOptions()
	for _, r := range append(slices.Clone(Other), Held...) {
		for _, f := range Fonts() {
			a, err := MNIST(r, f, 7, o)
			if err != nil {
				t.Fatalf("%q in %s: %v", r, f, err)
			}
			var ink float32
			for _, v := range a {
				if v < 0 || v > 1 {
					t.Fatalf("%q in %s: value %v outside [0, 1]", r, f, v)
				}
				ink += v
			}
			if len(a) != 28*28 || ink < 10 {
				t.Fatalf("%q in %s: %d values, ink %v", r, f, len(a), ink)
			}
			if b, _ := MNIST(r, f, 7, o); !slices.Equal(a, b) {
				t.Fatalf("%q in %s: two draws from one seed differ", r, f)
			}
		}
	}
}

func TestSetsAreDisjoint(t *testing.T) {
	for _, r := range Held {
		if slices.Contains(Other, r) {
			t.Errorf("%q is in both Held and Other", r)
		}
	}
	if _, err := MNIST('A', "no-such-font", 1, DefaultOptions()); err == nil {
		t.Error("an unknown font drew")
	}
}
