package enrolment

import (
	"strings"
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/models"
)

var (
	mnistOnce sync.Once
	mnistTest *dataset.Set
	mnistErr  error
)

func testDigits(t testing.TB) *dataset.Set {
	t.Helper()
	mnistOnce.Do(func() { _, mnistTest, mnistErr = dataset.LoadMNIST("") })
	if mnistErr != nil {
		t.Skipf("MNIST not available: %v", mnistErr)
	}
	return mnistTest
}

// Enrolling three new shapes with five examples each on the embedded
// engine: the shapes are recognised on frames in other fonts, the digits
// keep their accuracy, and shapes never enrolled are mostly unknown.
func TestEnrolKeepsDigitsAndKnowsUnknowns(t *testing.T) {
	if testing.Short() {
		t.Skip("draws and classifies about a thousand camera-like frames")
	}
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	test := testDigits(t)
	digits, err := Digits(test.Images, test.Labels, 300, 11)
	if err != nil {
		t.Fatal(err)
	}
	newShapes, unseen := []rune("AKW"), []rune("EHMRTX#@")
	enrol, err := Shapes(newShapes, glyphs.GoFonts, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	check, err := Shapes(newShapes, glyphs.LiberationFonts, 40, 2)
	if err != nil {
		t.Fatal(err)
	}
	never, err := Shapes(unseen, glyphs.LiberationFonts, 20, 3)
	if err != nil {
		t.Fatal(err)
	}

	before, beforeUnknown, err := Score(e, digits)
	if err != nil {
		t.Fatal(err)
	}
	_, neverBefore, err := Score(e, never)
	if err != nil {
		t.Fatal(err)
	}
	after, err := Enrol(e, enrol)
	if err != nil {
		t.Fatal(err)
	}
	digitsAfter, _, err := Score(after, digits)
	if err != nil {
		t.Fatal(err)
	}
	recognised, _, err := Score(after, check)
	if err != nil {
		t.Fatal(err)
	}
	_, neverAfter, err := Score(after, never)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("digits on %d camera-like frames: %.2f %% before (%.2f %% unknown), %.2f %% after enrolling %d shapes x 5",
		len(digits), 100*before, 100*beforeUnknown, 100*digitsAfter, len(newShapes))
	t.Logf("new shapes recognised: %.2f %% of %d frames; never-enrolled shapes unknown: %.2f %% before, %.2f %% after (%d frames)",
		100*recognised, len(check), 100*neverBefore, 100*neverAfter, len(never))
	if before < 0.95 {
		t.Errorf("digits before enrolment %.2f %%, want >= 95 %% (unknown counted wrong)", 100*before)
	}
	if before-digitsAfter > 0.01 {
		t.Errorf("digits lost %.2f points to the enrolment, want <= 1", 100*(before-digitsAfter))
	}
	if recognised < 0.95 {
		t.Errorf("new shapes recognised %.2f %%, want >= 95 %%", 100*recognised)
	}
	if neverBefore < 0.85 {
		t.Errorf("never-enrolled shapes unknown %.2f %% before the enrolment, want >= 85 %%", 100*neverBefore)
	}
	// Enrolled letters are modelled as wider than the digits (their own
	// spread), so unseen letters near them are taken in more often than
	// when the k-NN decided: 67.5 % were unknown then, 51.9 % now.
	if neverAfter < 0.50 {
		t.Errorf("never-enrolled shapes unknown %.2f %% after the enrolment, want >= 50 %%", 100*neverAfter)
	}
}

func TestCheckSets(t *testing.T) {
	if err := CheckSets([]string{"ACE", "%&@"}); err != nil {
		t.Errorf("held-out sets refused: %v", err)
	}
	for _, bad := range [][]string{{""}, {"AB"}, {"a"}, {"7"}, {"AA"}, {"ACE", ""}} {
		if err := CheckSets(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Enrolling a set of three shapes with 20 examples each: the set is
// recognised in other fonts, the digits keep their accuracy, and the
// table names the set.
func TestSets(t *testing.T) {
	if testing.Short() {
		t.Skip("draws and classifies about a thousand camera-like frames")
	}
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	test := testDigits(t)
	digits, err := Digits(test.Images, test.Labels, 200, 11)
	if err != nil {
		t.Fatal(err)
	}
	before, _, err := Score(e, digits)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := Sets(e, digits, []string{"PRT"}, []int{20}, 40)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 {
		t.Fatalf("%d points, want 1", len(pts))
	}
	p := pts[0]
	t.Logf("PRT x 20: new %.1f %%, digits %.1f -> %.1f %%, other shapes unknown %.1f %%", 100*p.New, 100*before, 100*p.Digits, 100*p.Unseen)
	if p.New < 0.95 {
		t.Errorf("new shapes recognised %.1f %%, want >= 95 %%", 100*p.New)
	}
	if before-p.Digits > 0.01 {
		t.Errorf("digits %.1f -> %.1f %%, want a loss of at most 1 point", 100*before, 100*p.Digits)
	}
	if p.Unseen <= 0 || p.Unseen > 1 {
		t.Errorf("other shapes unknown %.1f %%, want a share in (0, 100]", 100*p.Unseen)
	}
	var b strings.Builder
	if err := WriteSets(&b, pts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| PRT | 20 |") {
		t.Errorf("table has no PRT row:\n%s", b.String())
	}
}
