package enrolment

import (
	"fmt"
	"io"

	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/engine"
)

// Point is one enrolment of Classes new shapes with Examples each.
type Point struct {
	Classes, Examples int
	Digits            float64 // digit frames answered right (unknown is wrong)
	MNIST             float64 // MNIST test images labelled right (closed set), if measured
	New               float64 // frames of the enrolled shapes, other fonts, answered right
	Unseen            float64 // frames of shapes never enrolled answered unknown
}

// CurveOptions size a Curve run.
type CurveOptions struct {
	Classes  []int // numbers of new shapes, from glyphs.Held in order
	Examples []int // examples per shape
	Check    int   // frames per enrolled shape to check
	Unseen   int   // frames per never-enrolled shape
	// MNIST, if not empty, are MNIST test images (see MNIST) whose
	// closed-set accuracy each point also measures.
	MNIST []Frame
}

// DefaultCurve: 1, 3 and 10 new shapes with 1, 2, 5, 10 and 20 examples,
// each checked on 80 frames, 20 frames of each never-enrolled shape.
func DefaultCurve() CurveOptions {
	return CurveOptions{Classes: []int{1, 3, 10}, Examples: []int{1, 2, 5, 10, 20}, Check: 80, Unseen: 20}
}

// Curve enrols every combination of o.Classes and o.Examples into copies of
// e and scores them: digits on the digits frames, the enrolled shapes in
// the Liberation fonts, and the shapes of glyphs.Held left over (at least
// the last five are never enrolled) for unknown answers. The first point,
// with no classes, is e itself.
func Curve(e *engine.Engine, digits []Frame, o CurveOptions) ([]Point, error) {
	maxC := 0
	for _, c := range o.Classes {
		maxC = max(maxC, c)
	}
	if maxC > len(glyphs.Held)-5 {
		return nil, fmt.Errorf("enrolment curve: %d new shapes leave fewer than 5 of %d never enrolled", maxC, len(glyphs.Held))
	}
	unseen, err := Shapes(glyphs.Held[len(glyphs.Held)-5:], glyphs.LiberationFonts, o.Unseen, 3)
	if err != nil {
		return nil, err
	}
	base := Point{}
	if base.Digits, _, err = Score(e, digits); err != nil {
		return nil, err
	}
	if _, base.Unseen, err = Score(e, unseen); err != nil {
		return nil, err
	}
	if base.MNIST, err = Labels(e, o.MNIST); err != nil {
		return nil, err
	}
	out := []Point{base}
	for _, c := range o.Classes {
		shapes := glyphs.Held[:c]
		check, err := Shapes(shapes, glyphs.LiberationFonts, o.Check, 2)
		if err != nil {
			return nil, err
		}
		for _, n := range o.Examples {
			r, err := enrolAndScore(e, shapes, n, digits, check, unseen)
			if err != nil {
				return nil, err
			}
			p := Point{Classes: c, Examples: n, Digits: r.digits, New: r.new, Unseen: r.unseen}
			if p.MNIST, err = Labels(r.engine, o.MNIST); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// enrolled is a copy of an engine after one enrolment, and how it answers.
type enrolled struct {
	engine              *engine.Engine
	digits, new, unseen float64
}

// enrolAndScore enrols n examples of each shape, drawn in the Go fonts,
// into a copy of e, and scores the digit frames (unknown counted wrong),
// the check frames of the shapes, and the share of unseen frames answered
// unknown.
func enrolAndScore(e *engine.Engine, shapes []rune, n int, digits, check, unseen []Frame) (enrolled, error) {
	examples, err := Shapes(shapes, glyphs.GoFonts, n, 1)
	if err != nil {
		return enrolled{}, err
	}
	r := enrolled{}
	if r.engine, err = Enrol(e, examples); err != nil {
		return enrolled{}, err
	}
	if r.digits, _, err = Score(r.engine, digits); err != nil {
		return enrolled{}, err
	}
	if r.new, _, err = Score(r.engine, check); err != nil {
		return enrolled{}, err
	}
	if _, r.unseen, err = Score(r.engine, unseen); err != nil {
		return enrolled{}, err
	}
	return r, nil
}

// WriteTable writes the points as a markdown table, with an MNIST column
// when the points measured it.
func WriteTable(w io.Writer, pts []Point, mnist bool) error {
	head := "| new classes | examples each | digits (camera-like) | new classes | never enrolled: unknown |"
	rule := "|---|---|---|---|---|"
	if mnist {
		head += " MNIST test (closed set) |"
		rule += "---|"
	}
	if _, err := fmt.Fprintf(w, "%s\n%s\n", head, rule); err != nil {
		return err
	}
	for _, p := range pts {
		news := fmt.Sprintf("%.1f %%", 100*p.New)
		if p.Classes == 0 {
			news = "-"
		}
		row := fmt.Sprintf("| %d | %d | %.1f %% | %s | %.1f %% |", p.Classes, p.Examples, 100*p.Digits, news, 100*p.Unseen)
		if mnist {
			row += fmt.Sprintf(" %.2f %% |", 100*p.MNIST)
		}
		if _, err := fmt.Fprintln(w, row); err != nil {
			return err
		}
	}
	return nil
}

// ShapeRow is how e answers frames of one shape it never learned.
type ShapeRow struct {
	Shape   rune
	Unknown float64        // share answered unknown
	Nearest map[string]int // nearest class (the one named when known) by count
}

// PerShape draws n Liberation-font frames of every shape in glyphs.Held
// and says how often e answers each unknown.
func PerShape(e *engine.Engine, n int) ([]ShapeRow, error) {
	s, err := e.NewSession()
	if err != nil {
		return nil, err
	}
	var rows []ShapeRow
	for _, r := range glyphs.Held {
		frames, err := Shapes([]rune{r}, glyphs.LiberationFonts, n, 3)
		if err != nil {
			return nil, err
		}
		row := ShapeRow{Shape: r, Nearest: map[string]int{}}
		for _, f := range frames {
			p, err := s.Classify(f.Tensor)
			if err != nil {
				return nil, err
			}
			if !p.Known {
				row.Unknown++
			}
			row.Nearest[e.ClassNames()[p.Label]]++
		}
		row.Unknown /= float64(len(frames))
		rows = append(rows, row)
	}
	return rows, nil
}
