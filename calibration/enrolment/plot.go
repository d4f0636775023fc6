package enrolment

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WritePlot draws accuracy against examples per class, one line per number
// of new classes, for the new classes (solid) and the digits (dashed), as
// a PNG.
func WritePlot(path string, pts []Point) error {
	p := plot.New()
	p.Title.Text = "Enrolment: accuracy against examples per new class"
	p.X.Label.Text = "examples per new class"
	p.Y.Label.Text = "accuracy, %"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	colors := []color.Color{color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255}, color.RGBA{214, 39, 40, 255}}
	byClasses := map[int][]Point{}
	var order []int
	for _, pt := range pts {
		if pt.Classes == 0 {
			continue
		}
		if _, ok := byClasses[pt.Classes]; !ok {
			order = append(order, pt.Classes)
		}
		byClasses[pt.Classes] = append(byClasses[pt.Classes], pt)
	}
	for i, c := range order {
		var news, digits plotter.XYs
		for _, pt := range byClasses[c] {
			news = append(news, plotter.XY{X: float64(pt.Examples), Y: 100 * pt.New})
			digits = append(digits, plotter.XY{X: float64(pt.Examples), Y: 100 * pt.Digits})
		}
		col := colors[i%len(colors)]
		ln, pn, err := plotter.NewLinePoints(news)
		if err != nil {
			return err
		}
		ln.Color, pn.Color = col, col
		ld, err := plotter.NewLine(digits)
		if err != nil {
			return err
		}
		ld.Color, ld.Dashes = col, []vg.Length{vg.Points(4), vg.Points(3)}
		pn.Shape = draw.CircleGlyph{}
		p.Add(ln, pn, ld)
		p.Legend.Add(fmt.Sprintf("%d new: new classes", c), ln, pn)
		p.Legend.Add(fmt.Sprintf("%d new: digits", c), ld)
	}
	p.Legend.Top = false
	p.Legend.Left = false
	p.Y.Max = 100
	if err := p.Save(7*vg.Inch, 4.5*vg.Inch, path); err != nil {
		return fmt.Errorf("enrolment plot %s: %w", path, err)
	}
	return nil
}
