package engine_test

import (
	"testing"

	"github.com/sliced-ai/sliced/calibration/enrolment"
	"github.com/sliced-ai/sliced/calibration/glyphs"
)

// Views only revisit answers near a class radius, keep every label, and
// ClassifyBatch gives what Classify gives.
func TestViewsChangeOnlyAnswersNearTheRadius(t *testing.T) {
	test, e := mnistAndDefault(t)
	one, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	one.UnknownViews = 1
	five, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	batch, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	c := e.KNN.Open
	n := test.Len()
	if testing.Short() {
		n = 2000
	}
	const chunk = 50
	flips := 0
	for i0 := 0; i0 < n; i0 += chunk {
		in := test.Images[i0*784 : (i0+chunk)*784]
		got, err := batch.ClassifyBatch(in)
		if err != nil {
			t.Fatal(err)
		}
		for j := range chunk {
			i := i0 + j
			p1, err := one.Classify(test.Image(i))
			if err != nil {
				t.Fatal(err)
			}
			feat, err := one.Features(test.Image(i))
			if err != nil {
				t.Fatal(err)
			}
			ratio := c.Mahalanobis(feat, p1.Label) / float64(c.Radius[p1.Label])
			p5, err := five.Classify(test.Image(i))
			if err != nil {
				t.Fatal(err)
			}
			if p5.Label != p1.Label {
				t.Fatalf("image %d: label %d with views, %d without", i, p5.Label, p1.Label)
			}
			if p5.Known != p1.Known {
				flips++
				if ratio < 0.85 || ratio > 1.2 {
					t.Errorf("image %d: views changed an answer at %.2f of the radius", i, ratio)
				}
			}
			if got[j].Label != p5.Label || got[j].Known != p5.Known {
				t.Errorf("image %d: batch %d %v, one by one %d %v", i, got[j].Label, got[j].Known, p5.Label, p5.Known)
			}
		}
	}
	if flips == 0 {
		t.Error("views changed no answer")
	}
	t.Logf("views changed %d of %d known/unknown answers", flips, n)
}

// What a user sees: with views, more frames of shapes no class was
// trained on are answered unknown, and no fewer camera-like digit frames
// are answered right.
func TestViewsKnowUnseenShapes(t *testing.T) {
	test, e := mnistAndDefault(t)
	digits, err := enrolment.Digits(test.Images, test.Labels, 500, 11)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := enrolment.Shapes(glyphs.Held, glyphs.LiberationFonts, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	type res struct{ digits, unknown float64 }
	var got [2]res
	for k, views := range []int{1, 5} {
		rule := enrolment.Rule{Scale: 1, Views: views}
		if got[k].digits, _, err = enrolment.ScoreRule(e, digits, rule); err != nil {
			t.Fatal(err)
		}
		if _, got[k].unknown, err = enrolment.ScoreRule(e, shapes, rule); err != nil {
			t.Fatal(err)
		}
		t.Logf("views %d: digits right %.1f %%, unseen shapes unknown %.1f %%", views, 100*got[k].digits, 100*got[k].unknown)
	}
	if got[1].unknown < got[0].unknown+0.015 {
		t.Errorf("unseen shapes unknown %.1f %% with views, %.1f %% without: want 1.5 points more", 100*got[1].unknown, 100*got[0].unknown)
	}
	if got[1].digits < got[0].digits {
		t.Errorf("digits right %.1f %% with views, %.1f %% without", 100*got[1].digits, 100*got[0].digits)
	}
}
