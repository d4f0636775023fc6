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
