package evolve

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotLog reads a run's CSV log and writes a PNG of the fitness-set
// accuracy (best and mean of each generation) and the validation accuracy
// of the accepted kernels, against generations counted across blocks and
// stages. A resumed run's log, with its repeated header, reads fine.
func PlotLog(log io.Reader, png io.Writer) error {
	rd := csv.NewReader(log)
	rd.FieldsPerRecord = -1
	var best, mean, val plotter.XYs
	var stageStarts []float64
	lastStage := -1
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("evolve: log: %w", err)
		}
		if len(rec) != 10 || rec[0] == "stage" {
			continue
		}
		var v [10]float64
		for i, s := range rec {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				return fmt.Errorf("evolve: log: field %d %q: %w", i+1, s, err)
			}
		}
		x := float64(len(best) + 1)
		if int(v[0]) != lastStage {
			lastStage = int(v[0])
			stageStarts = append(stageStarts, x)
		}
		best = append(best, plotter.XY{X: x, Y: 100 * v[5]})
		mean = append(mean, plotter.XY{X: x, Y: 100 * v[6]})
		val = append(val, plotter.XY{X: x, Y: 100 * v[8]})
	}
	if len(best) == 0 {
		return errors.New("evolve: log has no generations")
	}
	p := plot.New()
	p.Title.Text = "k-NN accuracy during the kernel search"
	p.X.Label.Text = "generation (all blocks and stages)"
	p.Y.Label.Text = "accuracy, %"
	lo := slices.MinFunc(mean, func(a, b plotter.XY) int { return cmpFloat(a.Y, b.Y) }).Y
	p.Y.Min, p.Y.Max = max(lo, 80), 100
	for i, s := range []struct {
		xy   plotter.XYs
		name string
		c    color.RGBA
	}{
		{mean, "mean (fitness set)", color.RGBA{150, 150, 150, 255}},
		{best, "best (fitness set)", color.RGBA{31, 119, 180, 255}},
		{val, "validation (kept kernels)", color.RGBA{214, 39, 40, 255}},
	} {
		l, err := plotter.NewLine(s.xy)
		if err != nil {
			return err
		}
		l.Color = s.c
		l.Width = vg.Points(1 + float64(i)/2)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top, p.Legend.Left = false, false
	p.Add(plotter.NewGrid())
	for _, x := range stageStarts[1:] { // where conv2's search begins
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: 100}})
		if err != nil {
			return err
		}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(l)
	}
	wt, err := p.WriterTo(9*vg.Inch, 4.5*vg.Inch, "png")
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(png)
	return err
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
