package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var (
	paperColor    = color.RGBA{R: 150, G: 150, B: 150, A: 255}
	measuredColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
)

// WritePlots draws the report's PNGs into dir and returns their file
// names: one accuracy chart per protocol (paper and measured bars per
// network), accuracy against model size on the first protocol, and the
// budget sweep when there is one. A chart with nothing measured is
// skipped.
func WritePlots(dir string, d Doc) ([]string, error) {
	var names []string
	for _, p := range Protocols {
		name := "accuracy-" + p.ID + ".png"
		ok, err := accuracyPlot(filepath.Join(dir, name), p, d)
		if err != nil {
			return nil, err
		}
		if ok {
			names = append(names, name)
		}
	}
	ok, err := sizePlot(filepath.Join(dir, "size.png"), d)
	if err != nil {
		return nil, err
	}
	if ok {
		names = append(names, "size.png")
	}
	if d.Sweep != nil {
		if ok, err := sweepPlot(filepath.Join(dir, "budget.png"), d.Sweep); err != nil {
			return nil, err
		} else if ok {
			names = append(names, "budget.png")
		}
	}
	return names, nil
}

func accuracyPlot(path string, p Protocol, d Doc) (bool, error) {
	var paper, measured plotter.Values
	var labels []string
	lo := 100.0
	for _, n := range Networks {
		r, ok := d.Rows[Spec{n, p}.ID()]
		if !ok {
			continue
		}
		pa, _ := PaperAccuracy(n.ID, p.ID)
		paper = append(paper, pa)
		measured = append(measured, 100*r.Accuracy)
		labels = append(labels, n.ID)
		lo = min(lo, pa, 100*r.Accuracy)
	}
	if len(labels) == 0 {
		return false, nil
	}
	pl := plot.New()
	pl.Title.Text = "MNIST test accuracy, " + p.Label
	if d.Quick {
		pl.Title.Text += " (quick)"
	}
	pl.Y.Label.Text = "accuracy, %"
	// Bars start at a floor below the lowest value so that tenths of a
	// percent stay visible.
	floor := max(0, float64(int(lo))-2)
	pl.Y.Min, pl.Y.Max = 0, 100-floor
	pl.Y.Tick.Marker = offsetTicks(floor)
	w := vg.Points(14)
	for i, s := range []struct {
		name string
		v    plotter.Values
		c    color.Color
	}{{"paper", paper, paperColor}, {"measured", measured, measuredColor}} {
		shifted := make(plotter.Values, len(s.v))
		for j, v := range s.v {
			shifted[j] = v - floor
		}
		bars, err := plotter.NewBarChart(shifted, w)
		if err != nil {
			return false, err
		}
		bars.Offset = vg.Length(2*i-1) * w / 2
		bars.Color = s.c
		bars.LineStyle.Width = 0
		pl.Add(bars)
	}
	// A legend would cover the short bars; the axis label says which is which.
	pl.X.Label.Text = "left, grey: paper; right, blue: measured"
	pl.NominalX(labels...)
	return true, save(pl, path, 7*vg.Inch, 4*vg.Inch)
}

// offsetTicks labels an axis whose values were shifted down by floor
// (bars always grow from zero) with the unshifted values.
type offsetTicks float64

func (o offsetTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo+float64(o), hi+float64(o))
	for i := range ticks {
		ticks[i].Value -= float64(o)
	}
	return ticks
}

// byteTicks labels a logarithmic byte axis at 1, 2 and 5 times the powers
// of ten (plot.LogTicks labels only whole decades, which a narrow range
// may not contain).
type byteTicks struct{}

func (byteTicks) Ticks(lo, hi float64) []plot.Tick {
	for _, ms := range [][]float64{{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		var ticks []plot.Tick
		for p := math.Pow(10, math.Floor(math.Log10(max(lo, 1)))); p <= hi; p *= 10 {
			for _, m := range ms {
				if v := m * p; v >= lo && v <= hi {
					ticks = append(ticks, plot.Tick{Value: v, Label: siBytes(v)})
				}
			}
		}
		if len(ticks) >= 3 || len(ms) > 3 {
			return ticks
		}
	}
	return nil
}

// padLog widens a logarithmic X axis so the glyphs at its ends are not
// cut in half.
func padLog(p *plot.Plot) {
	p.X.Min, p.X.Max = p.X.Min/1.25, p.X.Max*1.25
}

func siBytes(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%g MB", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%g kB", v/1e3)
	}
	return fmt.Sprintf("%g B", v)
}

func sizePlot(path string, d Doc) (bool, error) {
	p := Protocols[0]
	var paper, measured plotter.XYs
	var names []string
	for _, s := range d.Sizes {
		pa, _ := PaperAccuracy(s.Network.ID, p.ID)
		xy := plotter.XY{X: float64(s.Float32), Y: pa}
		// Both sliced engines share one size and nearly one accuracy:
		// one point, one label.
		if i := len(paper) - 1; i >= 0 && paper[i].X == xy.X {
			names[i] = "sliced"
		} else {
			paper = append(paper, xy)
			names = append(names, s.Network.ID)
		}
		if r, ok := d.Rows[Spec{s.Network, p}.ID()]; ok {
			measured = append(measured, plotter.XY{X: float64(r.EngineBytes), Y: 100 * r.Accuracy})
		}
	}
	if len(measured) == 0 {
		return false, nil
	}
	pl := plot.New()
	pl.Title.Text = "Accuracy against size, " + p.Label
	pl.X.Label.Text = "bytes (paper: float32 weights; measured: engine file)"
	pl.Y.Label.Text = "accuracy, %"
	pl.X.Scale = plot.LogScale{}
	pl.X.Tick.Marker = byteTicks{}
	for _, s := range []struct {
		name  string
		xy    plotter.XYs
		c     color.Color
		shape draw.GlyphDrawer
	}{{"paper", paper, paperColor, draw.CircleGlyph{}}, {"measured", measured, measuredColor, draw.TriangleGlyph{}}} {
		sc, err := plotter.NewScatter(s.xy)
		if err != nil {
			return false, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = s.c, s.shape, vg.Points(4)
		pl.Add(sc)
		pl.Legend.Add(s.name, sc)
	}
	lab, err := plotter.NewLabels(plotter.XYLabels{XYs: paper, Labels: names})
	if err != nil {
		return false, err
	}
	pl.Add(lab)
	pl.Legend.Top = false
	padLog(pl)
	return true, save(pl, path, 7*vg.Inch, 4*vg.Inch)
}

func sweepPlot(path string, s *Sweep) (bool, error) {
	var grid, test plotter.XYs
	for _, r := range s.Grid {
		grid = append(grid, plotter.XY{X: float64(r.Bytes), Y: 100 * r.ValAcc})
	}
	for _, r := range s.Rows {
		if r.Fits {
			test = append(test, plotter.XY{X: float64(r.Bytes), Y: 100 * r.TestAcc})
		}
	}
	if len(test) == 0 {
		return false, nil
	}
	pl := plot.New()
	pl.Title.Text = "Sliced engine: accuracy against engine file size"
	pl.X.Label.Text = "engine file, bytes"
	pl.Y.Label.Text = "accuracy, %"
	pl.X.Scale = plot.LogScale{}
	pl.X.Tick.Marker = byteTicks{}
	if len(grid) > 0 {
		sc, err := plotter.NewScatter(grid)
		if err != nil {
			return false, err
		}
		sc.GlyphStyle.Color = paperColor
		pl.Add(sc)
		pl.Legend.Add("option sets (validation)", sc)
	}
	line, points, err := plotter.NewLinePoints(test)
	if err != nil {
		return false, err
	}
	line.Color, points.Color, points.Shape = measuredColor, measuredColor, draw.TriangleGlyph{}
	pl.Add(line, points)
	pl.Legend.Add("best within each budget (test)", line, points)
	pl.Legend.Top = false
	padLog(pl)
	return true, save(pl, path, 6*vg.Inch, 4*vg.Inch)
}

func save(p *plot.Plot, path string, w, h vg.Length) error {
	if err := p.Save(w, h, path); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("report: %s was not written: %w", path, err)
	}
	return nil
}
