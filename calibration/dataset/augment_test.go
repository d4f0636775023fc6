package dataset

import (
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

func TestAugment(t *testing.T) {
	s := &Set{Shape: nn.Shape{C: 1, H: 5, W: 5}, Classes: []string{"a"}, Labels: []int{0}, Images: make([]float32, 25)}
	s.Images[12] = 1 // the centre pixel
	id := Augment(s, 1, AugmentOptions{}, 1)
	if id.Len() != 2 || id.Image(1)[12] != 1 {
		t.Fatalf("the identity warp moved the centre: %v", id.Image(1))
	}
	shifted := Augment(s, 1, AugmentOptions{MaxShift: 0.01}, 1)
	var sum float32
	for _, v := range shifted.Image(1) {
		sum += v
	}
	if sum < 0.99 || sum > 1.01 {
		t.Fatalf("a tiny shift lost ink: %v", sum)
	}
	rot := Augment(s, 3, AugmentOptions{MaxDegrees: 90}, 2)
	if rot.Len() != 4 || rot.Labels[3] != 0 || rot.Image(2)[12] < 0.99 {
		t.Fatalf("rotation about the centre must keep the centre pixel: %v", rot.Image(2))
	}
	if a, b := Augment(s, 2, AugmentOptions{MaxDegrees: 10, MaxShift: 1}, 5), Augment(s, 2, AugmentOptions{MaxDegrees: 10, MaxShift: 1}, 5); a.Images[40] != b.Images[40] {
		t.Fatal("same seed, different images")
	}
}

func TestShiftCopies(t *testing.T) {
	// One 3x3 image with a single lit pixel in the middle.
	s := &Set{Shape: nn.Shape{C: 1, H: 3, W: 3}, Classes: []string{"a", "b"}, Labels: []int{1},
		Images: []float32{0, 0, 0, 0, 1, 0, 0, 0, 0}}
	out, err := ShiftCopies(s, 8)
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 9 || out.Validate() != nil {
		t.Fatalf("%d images, want the original and 8 copies", out.Len())
	}
	// The lit pixel lands one step right, left, down, up, then diagonally.
	want := [][2]int{{1, 1}, {2, 1}, {0, 1}, {1, 2}, {1, 0}, {2, 2}, {0, 0}, {2, 0}, {0, 2}}
	for i, xy := range want {
		img := out.Image(i)
		for p, v := range img {
			lit := p == xy[1]*3+xy[0]
			if (v == 1) != lit || (v != 0 && v != 1) {
				t.Errorf("copy %d: pixel %d is %g, want the lit pixel at (%d,%d)", i, p, v, xy[0], xy[1])
			}
		}
		if out.Labels[i] != 1 {
			t.Errorf("copy %d has label %d", i, out.Labels[i])
		}
	}
	// A pixel shifted off the edge is gone, not wrapped.
	edge := &Set{Shape: s.Shape, Classes: s.Classes, Labels: []int{0}, Images: []float32{0, 0, 1, 0, 0, 0, 0, 0, 0}}
	out, _ = ShiftCopies(edge, 1)
	for p, v := range out.Image(1) {
		if v != 0 {
			t.Errorf("right shift of a right-edge pixel left %g at %d", v, p)
		}
	}
	if _, err := ShiftCopies(s, 9); err == nil {
		t.Error("9 copies accepted")
	}
}
