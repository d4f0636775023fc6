package report

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/models"
)

// Sweep is the accuracy-against-engine-size table: the best condensed
// engine (calibration/prototypes) under each byte budget.
type Sweep struct {
	From             string // row whose kernels were used
	Train, Val, Test int
	Rows             []SweepRow
	// Grid is every option set tried (Budget 0, TestAcc unset), smallest
	// first: the accuracy-size frontier the budgets cut.
	Grid []SweepRow
}

// SweepRow is the best option set within one budget.
type SweepRow struct {
	Budget          int // bytes; 0 is unlimited
	Fits            bool
	Dim, PerClass   int
	Bytes           int
	ValAcc, TestAcc float64
}

// DefaultBudgets are the sweep's budgets: the paper's 74 KB conv stack
// alone up to no limit.
var DefaultBudgets = []int{74 << 10, 128 << 10, 256 << 10, 1 << 20, 0}

// Sweep condenses the prototypes of a sliced row's kernels into engines
// over a grid of PCA sizes and prototypes per class (int8 weights,
// prototypes and projection, as `slicecal prototypes` by default), picks
// the most accurate on validation images within each budget and scores
// it on the test images.
func (r *Runner) Sweep(from Result, budgets []int) (*Sweep, error) {
	if len(from.Conv) == 0 {
		return nil, fmt.Errorf("report: row %s holds no conv kernels to sweep", from.ID)
	}
	if err := r.load(); err != nil {
		return nil, err
	}
	stack := models.ConvStack(models.B)
	li := 0
	for i := range stack.Layers {
		l := &stack.Layers[i]
		if len(l.W) == 0 {
			continue
		}
		if li >= len(from.Conv) || len(from.Conv[li].W) != len(l.W) || len(from.Conv[li].B) != len(l.B) {
			return nil, fmt.Errorf("report: row %s: its kernels do not fit topology B's conv stack", from.ID)
		}
		copy(l.W, from.Conv[li].W)
		copy(l.B, from.Conv[li].B)
		li++
	}
	nVal, nTest := 5000, r.test.Len()
	dims, perClass := []int{16, 24, 32, 48, 64}, []int{10, 20, 40, 80, 160}
	fit, val, err := r.train.Split(nVal, r.cfg.Seed)
	if r.cfg.Quick {
		nTest, dims, perClass = 1000, []int{16, 32}, []int{5, 20}
		fit, val, err = r.train.Split(500, r.cfg.Seed)
		fit = fit.Subset(2000, r.cfg.Seed)
	}
	if err != nil {
		return nil, err
	}
	test := r.test.Subset(nTest, r.cfg.Seed)
	b, err := prototypes.NewBuilder(stack, engine.I8, fit.Images, fit.Labels, fit.Classes)
	if err != nil {
		return nil, err
	}
	b.Name, b.Topology = "mnist-sliced", string(models.B)
	base := prototypes.Options{K: knn.DefaultK, Metric: knn.L2, ProtoType: engine.I8, ProjType: engine.I8, Seed: r.cfg.Seed}
	_, table, err := prototypes.FitBudget(b, 0, prototypes.Grid(base, dims, perClass, nil), val.Images, val.Labels)
	if err != nil {
		return nil, err
	}
	out := &Sweep{From: from.ID, Train: fit.Len(), Val: val.Len(), Test: test.Len()}
	for _, c := range table {
		out.Grid = append(out.Grid, SweepRow{Fits: true, Dim: c.Options.Dim, PerClass: c.Options.PerClass, Bytes: c.Bytes, ValAcc: c.Acc})
	}
	for _, limit := range budgets {
		row := SweepRow{Budget: limit}
		var best prototypes.Candidate
		for _, c := range table {
			if limit > 0 && c.Bytes > limit {
				continue
			}
			if !row.Fits || c.Acc > best.Acc || (c.Acc == best.Acc && c.Bytes < best.Bytes) {
				best, row.Fits = c, true
			}
		}
		if row.Fits {
			e, err := b.Build(best.Options)
			if err != nil {
				return nil, err
			}
			if row.TestAcc, err = prototypes.Accuracy(e, test.Images, test.Labels); err != nil {
				return nil, err
			}
			row.Dim, row.PerClass, row.Bytes, row.ValAcc = best.Options.Dim, best.Options.PerClass, best.Bytes, best.Acc
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
