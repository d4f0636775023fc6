package enrolment

import (
	"fmt"
	"io"
	"slices"

	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/engine"
)

// SetPoint is one enrolment of a given set of new shapes.
type SetPoint struct {
	Shapes   string
	Examples int
	Digits   float64 // digit frames answered right (unknown is wrong)
	New      float64 // frames of the enrolled shapes, other fonts, answered right
	Unseen   float64 // frames of every other shape of glyphs.Held answered unknown
}

// Sets enrols each set of shapes with each number of examples (Go fonts)
// into copies of e, as Curve does for the first shapes of glyphs.Held, and
// scores the digits, check frames of the set (Liberation fonts) and 20
// frames of every shape of glyphs.Held outside the set. The curve's own
// shapes are one choice among many; Sets shows how much the answers
// depend on which shapes a user enrols.
func Sets(e *engine.Engine, digits []Frame, sets []string, examples []int, check int) ([]SetPoint, error) {
	if err := CheckSets(sets); err != nil {
		return nil, err
	}
	var out []SetPoint
	for _, set := range sets {
		shapes := []rune(set)
		var rest []rune
		for _, r := range glyphs.Held {
			if !slices.Contains(shapes, r) {
				rest = append(rest, r)
			}
		}
		checkFrames, err := Shapes(shapes, glyphs.LiberationFonts, check, 2)
		if err != nil {
			return nil, err
		}
		unseen, err := Shapes(rest, glyphs.LiberationFonts, 20, 3)
		if err != nil {
			return nil, err
		}
		for _, n := range examples {
			r, err := enrolAndScore(e, shapes, n, digits, checkFrames, unseen)
			if err != nil {
				return nil, err
			}
			out = append(out, SetPoint{Shapes: set, Examples: n, Digits: r.digits, New: r.new, Unseen: r.unseen})
		}
	}
	return out, nil
}

// CheckSets says why sets cannot be enrolled by Sets: a set is empty, or
// holds a shape that is not in glyphs.Held (the engine may have trained
// on it) or holds one twice.
func CheckSets(sets []string) error {
	for _, set := range sets {
		shapes := []rune(set)
		if len(shapes) == 0 {
			return fmt.Errorf("enrolment sets: an empty set")
		}
		for i, r := range shapes {
			if !slices.Contains(glyphs.Held, r) {
				return fmt.Errorf("enrolment sets: %q is not a held-out shape (%s)", r, string(glyphs.Held))
			}
			if slices.Contains(shapes[:i], r) {
				return fmt.Errorf("enrolment sets: %q twice in %q", r, set)
			}
		}
	}
	return nil
}

// WriteSets writes the points as a markdown table.
func WriteSets(w io.Writer, pts []SetPoint) error {
	if _, err := fmt.Fprintf(w, "| new classes | examples each | digits (camera-like) | new classes | other held-out shapes: unknown |\n|---|---|---|---|---|\n"); err != nil {
		return err
	}
	for _, p := range pts {
		if _, err := fmt.Fprintf(w, "| %s | %d | %.1f %% | %.1f %% | %.1f %% |\n", p.Shapes, p.Examples, 100*p.Digits, 100*p.New, 100*p.Unseen); err != nil {
			return err
		}
	}
	return nil
}
