package dataset

import (
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

// numbered is a set of n 1x1x1 images whose pixel is their index.
func numbered(n int) *Set {
	s := &Set{Shape: nn.Shape{C: 1, H: 1, W: 1}, Classes: []string{"even", "odd"}}
	for i := range n {
		s.Images = append(s.Images, float32(i))
		s.Labels = append(s.Labels, i%2)
	}
	return s
}

func TestSplitIsDeterministicAndDisjoint(t *testing.T) {
	s := numbered(100)
	tr1, va1, err := s.Split(20, 7)
	if err != nil {
		t.Fatal(err)
	}
	tr2, va2, _ := s.Split(20, 7)
	if !slices.Equal(tr1.Images, tr2.Images) || !slices.Equal(va1.Images, va2.Images) {
		t.Error("the same seed gave different splits")
	}
	if tr1.Len() != 80 || va1.Len() != 20 {
		t.Fatalf("sizes %d/%d, want 80/20", tr1.Len(), va1.Len())
	}
	seen := map[float32]bool{}
	for _, v := range append(slices.Clone(tr1.Images), va1.Images...) {
		if seen[v] {
			t.Fatalf("image %v in both parts", v)
		}
		seen[v] = true
	}
	for i, v := range tr1.Images {
		if tr1.Labels[i] != int(v)%2 {
			t.Fatalf("image %v lost its label", v)
		}
	}
	_, va3, _ := s.Split(20, 8)
	if slices.Equal(va1.Images, va3.Images) {
		t.Error("different seeds gave the same validation set")
	}
	if _, _, err := s.Split(100, 1); err == nil {
		t.Error("holding out every image accepted")
	}
}

func TestSubset(t *testing.T) {
	s := numbered(50)
	a, b := s.Subset(10, 3), s.Subset(10, 3)
	if a.Len() != 10 || !slices.Equal(a.Images, b.Images) {
		t.Errorf("subset %v vs %v", a.Images, b.Images)
	}
	if all := s.Subset(500, 3); all.Len() != 50 {
		t.Errorf("oversized subset has %d images", all.Len())
	}
	if c := s.Counts(); c[0] != 25 || c[1] != 25 {
		t.Errorf("counts %v", c)
	}
}
