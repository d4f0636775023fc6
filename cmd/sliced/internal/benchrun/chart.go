package benchrun

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PNG draws the median latency of every backend that ran as a bar chart,
// the p90 as a second bar beside it.
func (r *Report) PNG(w io.Writer) error {
	var names []string
	var p50, p90 plotter.Values
	for _, row := range r.Rows {
		if row.Ran() {
			names = append(names, row.Backend)
			p50 = append(p50, row.P50US)
			p90 = append(p90, row.P90US)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("benchrun: no backend ran; nothing to chart")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Latency per image, %d %s", r.Frames, r.Source)
	p.Y.Label.Text = "µs"
	p.Y.Min = 0
	top := 0.0
	for _, v := range p90 {
		top = max(top, v)
	}
	p.Y.Max = 1.3 * top // room for the legend above the bars
	width := vg.Points(18)
	b50, err := plotter.NewBarChart(p50, width)
	if err != nil {
		return err
	}
	b50.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	b50.Offset = -width / 2
	b90, err := plotter.NewBarChart(p90, width)
	if err != nil {
		return err
	}
	b90.Color = color.RGBA{R: 174, G: 199, B: 232, A: 255}
	b90.Offset = width / 2
	p.Add(b50, b90)
	p.Legend.Add("p50", b50)
	p.Legend.Add("p90", b90)
	p.Legend.Top = true
	p.NominalX(names...)
	wt, err := p.WriterTo(vg.Points(float64(200+90*len(names))), vg.Points(300), "png")
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}
