package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Options are one `slicecal report` invocation.
type Options struct {
	Config
	Rows        string // regular expression over row ids ("": every row)
	BudgetSweep bool   // add the accuracy-against-engine-size table
	SweepFrom   string // row whose kernels the sweep condenses ("": sliced-cmaes/4000-1000-5ep)
	Budgets     []int  // sweep budgets in bytes, 0 unlimited (nil: DefaultBudgets)
	Command     string // printed in the report as the way to remake it
}

// Generate runs the selected rows that are not cached yet, then writes
// report.md and the plots into opt.Out from every cached row made with
// the current settings (rows of another mode or seed are left out, not
// mixed in). When a row fails or ctx is cancelled, the report is still
// written from the rows finished so far and the error returned.
func Generate(ctx context.Context, opt Options) (*Doc, error) {
	r, err := NewRunner(opt.Config)
	if err != nil {
		return nil, err
	}
	specs, err := Filter(Specs(), opt.Rows)
	if err != nil {
		return nil, err
	}
	_, runErr := r.Run(ctx, specs)

	d := Doc{Command: opt.Command, Quick: opt.Quick, Rows: map[string]Result{}, Now: time.Now()}
	if d.Sizes, err = Sizes(); err != nil {
		return nil, err
	}
	for _, s := range Specs() {
		if res, err := r.Cached(s); err == nil && res.Settings == r.Settings(s) {
			d.Rows[s.ID()] = *res
		}
	}
	if opt.BudgetSweep && runErr == nil {
		from := opt.SweepFrom
		if from == "" {
			from = Spec{Networks[5], Protocols[0]}.ID()
		}
		res, ok := d.Rows[from]
		if !ok {
			return nil, fmt.Errorf("report: the budget sweep needs row %s; run it first (--rows '%s')", from, from)
		}
		budgets := opt.Budgets
		if budgets == nil {
			budgets = DefaultBudgets
		}
		fmt.Fprintf(r.cfg.Log, "budget sweep over the kernels of %s\n", from)
		if d.Sweep, err = r.Sweep(res, budgets); err != nil {
			return nil, err
		}
	}
	if d.Plots, err = WritePlots(r.cfg.Out, d); err != nil {
		return nil, errors.Join(runErr, err)
	}
	path := filepath.Join(r.cfg.Out, "report.md")
	f, err := os.Create(path)
	if err != nil {
		return nil, errors.Join(runErr, err)
	}
	if err := WriteMarkdown(f, d); err != nil {
		f.Close()
		return nil, errors.Join(runErr, err)
	}
	if err := f.Close(); err != nil {
		return nil, errors.Join(runErr, err)
	}
	return &d, runErr
}
