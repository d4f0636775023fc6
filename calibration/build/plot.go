package build

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// confusionGrid is the matrix as a heat map: column = answer, row = true
// class with the first class on top, value = share of the row.
type confusionGrid struct{ h *Heldout }

func (g confusionGrid) Dims() (c, r int) { return len(g.h.Classes) + 1, len(g.h.Classes) }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 {
	row := len(g.h.Classes) - 1 - r
	n := g.h.Images(row)
	if n == 0 {
		return 0
	}
	return float64(g.h.Confusion[row][c]) / float64(n)
}

// WritePlot draws the confusion matrix as a PNG: one row per true class,
// one column per answer and a last one for unknown, each cell coloured by
// its share of the row and labelled with its count.
func (h *Heldout) WritePlot(path, title string) error {
	pal, err := brewer.GetPalette(brewer.TypeSequential, "Blues", 9)
	if err != nil {
		return err
	}
	g := confusionGrid{h}
	hm := plotter.NewHeatMap(g, pal)
	hm.Min, hm.Max = 0, 1
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "answer"
	p.Y.Label.Text = "true class"
	p.Add(hm)

	cols, rows := g.Dims()
	var xTicks, yTicks []plot.Tick
	for c := range cols {
		name := "unknown"
		if c < len(h.Classes) {
			name = h.Classes[c]
		}
		xTicks = append(xTicks, plot.Tick{Value: float64(c), Label: name})
	}
	for r := range rows {
		yTicks = append(yTicks, plot.Tick{Value: float64(r), Label: h.Classes[rows-1-r]})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xTicks)
	p.Y.Tick.Marker = plot.ConstantTicks(yTicks)
	p.X.Tick.Label.Rotation = 0.8
	p.X.Tick.Label.XAlign = text.XRight
	p.X.Tick.Label.YAlign = text.YCenter

	var lab plotter.XYLabels
	var styles []text.Style
	for r := range rows {
		for c := range cols {
			n := h.Confusion[rows-1-r][c]
			if n == 0 {
				continue
			}
			lab.XYs = append(lab.XYs, plotter.XY{X: float64(c), Y: float64(r)})
			lab.Labels = append(lab.Labels, fmt.Sprint(n))
			st := text.Style{Font: p.X.Tick.Label.Font, Handler: p.X.Tick.Label.Handler, XAlign: text.XCenter, YAlign: text.YCenter, Color: color.Black}
			if g.Z(c, r) > 0.6 {
				st.Color = color.White
			}
			styles = append(styles, st)
		}
	}
	if len(lab.Labels) > 0 {
		labels, err := plotter.NewLabels(lab)
		if err != nil {
			return err
		}
		labels.TextStyle = styles
		p.Add(labels)
	}
	side := vg.Length(max(4, 0.45*float64(cols)+1.5)) * vg.Inch
	if err := p.Save(side+0.5*vg.Inch, side, path); err != nil {
		return fmt.Errorf("build: confusion plot %s: %w", path, err)
	}
	return nil
}
