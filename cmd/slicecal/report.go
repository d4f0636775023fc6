package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/calibration/report"
)

func init() {
	register(&command{Name: "report", Summary: "rerun the paper's tables (slides 26 and 28) and write report.md with plots, paper numbers beside ours", Run: runReport})
}

func runReport(args []string) error {
	fs := newFlags("report", "--out DIR [flags]")
	out := fs.String("out", "", "report folder: report.md, PNG plots, rows/ with one cached JSON result per row (required)")
	rows := fs.String("rows", "", "regular expression over row ids such as B8/4000-1000-5ep or sliced-cmaes/60000-10000-5ep: run only those (the report still shows every cached row)")
	rerun := fs.Bool("rerun", false, "run the selected rows even when a cached result exists")
	quick := fs.Bool("quick", false, "smoke test: shrunken protocols, 1 epoch / 2 generations, seconds")
	sweep := fs.Bool("budget-sweep", false, "add accuracy against engine size: prototypes condensed to byte budgets (needs the --sweep-from row)")
	sweepFrom := fs.String("sweep-from", "", "row whose kernels the sweep uses (default sliced-cmaes/4000-1000-5ep)")
	budgets := fs.String("budgets", "74KiB,128KiB,256KiB,1MiB,unlimited", "sweep budgets, comma separated")
	initFrom := fs.String("init", "trained", "evolutionary rows start from the kernels of B/64 trained for the protocol's epochs (trained) or from random ones (random, the paper's no-backprop setting)")
	gens := fs.Int("generations", 30, "generations per block of the evolutionary rows")
	k := fs.Int("k", 9, "k of the evolutionary rows' k-NN fitness and engines")
	shifts := fs.Int("shifts", 8, "one-pixel shifted copies of every training image among the evolutionary engines' prototypes, on the 4000-image protocols (0: none)")
	metric := fs.String("metric", "cosine", "k-NN distance of the evolutionary rows: cosine or l2")
	queries := fs.Int("queries", 0, "fitness queries held out of the training images (0: leave-one-out over the fitness prototypes)")
	fitProtos := fs.Int("fitness-protos", 3500, "prototypes the evolutionary fitness uses on 60000/10000 (-1: all)")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "worker goroutines")
	seed := fs.Uint64("seed", 1, "seed for subsets, splits, initial weights and optimisers")
	data := fs.String("data", "", "folder of MNIST idx files (default: GoMNIST in the Go module cache)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal report: --out is required")
		return errUsage
	}
	var bud []int
	for _, s := range strings.Split(*budgets, ",") {
		b, err := prototypes.ParseBytes(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("--budgets: %w", err)
		}
		bud = append(bud, b)
	}
	if *gens < 1 || *k < 1 {
		return fmt.Errorf("--generations %d and --k %d must be positive", *gens, *k)
	}
	if *shifts == 0 {
		*shifts = -1
	}
	if *fitProtos == 0 {
		return fmt.Errorf("--fitness-protos 0: give a count, or -1 for all")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := report.Options{
		Config: report.Config{Out: *out, Data: *data, Quick: *quick, Threads: *threads, Seed: *seed,
			Init: *initFrom, Generations: *gens, K: *k, Metric: *metric, Shifts: *shifts, FitnessQueries: *queries, FitnessProtos: *fitProtos,
			Rerun: *rerun, Log: os.Stderr},
		Rows: *rows, BudgetSweep: *sweep, SweepFrom: *sweepFrom, Budgets: bud,
		Command: "slicecal report " + strings.Join(args, " "),
	}
	d, err := report.Generate(ctx, opt)
	if d != nil {
		fmt.Printf("wrote %s/report.md (%d of %d rows measured, %d plots)\n", *out, len(d.Rows), len(report.Specs()), len(d.Plots))
	}
	return err
}
