package prototypes

import (
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/models"
)

// MergeOther makes the classes from first on one "unknown" class keeping
// every keepEvery-th of their prototypes, or drops them all for 0.
func TestMergeOther(t *testing.T) {
	for _, keep := range []int{2, 0} {
		e, err := models.Default()
		if err != nil {
			t.Fatal(err)
		}
		digits := e.KNN.Len()
		v := make([]float32, e.KNN.Dim)
		for _, name := range []string{"o1", "o2"} {
			if _, err := e.KNN.Add(name, [][]float32{v, v, v}); err != nil {
				t.Fatal(err)
			}
		}
		if err := MergeOther(e, 10, keep); err != nil {
			t.Fatal(err)
		}
		s := e.KNN
		switch keep {
		case 2:
			if len(s.Classes) != 11 || s.Classes[10] != knn.OtherName || s.Open.Other != 10 || s.Len() != digits+3 {
				t.Errorf("keep 2: classes %v, other %d, %d prototypes (want %d)", s.Classes, s.Open.Other, s.Len(), digits+3)
			}
		case 0:
			if len(s.Classes) != 10 || slices.Contains(s.Classes, knn.OtherName) || s.Open.Other != -1 || s.Len() != digits {
				t.Errorf("keep 0: classes %v, other %d, %d prototypes (want %d)", s.Classes, s.Open.Other, s.Len(), digits)
			}
		}
	}
}
