package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(&command{Name: "evolve", Summary: "tune the conv kernels by CMA-ES or PSO with k-NN fitness (the paper's sliced engine)", Run: runEvolve})
}

func runEvolve(args []string) error {
	fs := newFlags("evolve", "--out FILE [flags]")
	method := fs.String("method", "cmaes", "optimiser: cmaes or pso")
	initFrom := fs.String("init", "random", "starting kernels: random or trained (from --trained)")
	trained := fs.String("trained", "", "engine file of a backprop-trained network (full CNN or sliced) for --init trained")
	topo := fs.String("topology", "B", "conv stack: A (k-NN on 12x12x64) or B (k-NN on 5x5x64)")
	block := fs.Int("block", 1, "filters optimised together: 1 is the paper's serial optimisation, more its parallel mode")
	gens := fs.Int("generations", 30, "generations per block")
	pop := fs.Int("population", 0, "candidates per generation (0: 4 + 3 ln n for n parameters, CMA-ES's default, for both methods)")
	cma := fs.String("cma", "auto", "CMA-ES covariance: auto (separable above 100 parameters), full or sep")
	restarts := fs.Int("restarts", 0, "CMA-ES IPOP restarts per block when the search stalls")
	sigma := fs.Float64("sigma", 0, "initial step as a multiple of sqrt(2/fan-in) (0: 1 random, 0.2 trained)")
	k := fs.Int("k", 9, "k of the k-NN")
	metric := fs.String("metric", "l2", "k-NN distance for the fitness and the engine: l2 or cosine")
	share := fs.Float64("share", 0.25, "weight of the correct-vote share in the fitness (negative: accuracy only)")
	trainSize := fs.Int("train-size", 4000, "training images drawn by --seed (0: all 60000)")
	testSize := fs.Int("test-size", 1000, "test images drawn by --seed, scored once at the end (0: all, -1: none)")
	queries := fs.Int("queries", 1000, "fitness queries held out of the training images (0: leave-one-out over the prototypes)")
	valSize := fs.Int("val", 500, "validation images held out of the training images")
	fitProtos := fs.Int("fitness-protos", 0, "prototypes the fitness compares against (0: all the remaining training images)")
	shifts := fs.Int("shifts", 0, "one-pixel shifted copies of every training image added to the engine's prototypes (0..8; the fitness does not use them)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines")
	seed := fs.Uint64("seed", 1, "seed for subsets, splits, initial kernels and the optimisers")
	data := fs.String("data", "", "folder of MNIST-style idx files (default: GoMNIST in the Go module cache)")
	out := fs.String("out", "", "engine file to write (required)")
	ckpt := fs.String("checkpoint", "", "checkpoint file (default: --out + .ckpt)")
	every := fs.Int("checkpoint-every", 10, "generations between checkpoints")
	resume := fs.Bool("resume", false, "continue from the checkpoint")
	logPath := fs.String("log", "", "CSV of fitness per generation (default: --out + .csv)")
	plotPath := fs.String("plot", "", "PNG plot of that log (default: --out + .png; - for none)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal evolve: --out is required")
		return errUsage
	}
	if *ckpt == "" {
		*ckpt = *out + ".ckpt"
	}
	if *logPath == "" {
		*logPath = *out + ".csv"
	}
	if *plotPath == "" {
		*plotPath = *out + ".png"
	}
	t, err := models.ParseTopology(*topo)
	if err != nil {
		return err
	}
	if *shifts < 0 || *shifts > dataset.MaxShiftCopies {
		return fmt.Errorf("--shifts %d: want 0..%d", *shifts, dataset.MaxShiftCopies)
	}
	stack := models.ConvStack(t)
	if *initFrom == "trained" {
		if *trained == "" {
			return errors.New("--init trained needs --trained FILE")
		}
		if err := loadConvStack(&stack, t, *trained); err != nil {
			return err
		}
	} else if *trained != "" {
		return errors.New("--trained is only used with --init trained")
	}

	trainAll, testAll, err := dataset.LoadMNIST(*data)
	if err != nil {
		return err
	}
	trainSet := trainAll
	if *trainSize > 0 {
		trainSet = trainAll.Subset(*trainSize, *seed)
	}
	d, err := evolve.SplitTrain(trainSet, *queries, *valSize, *seed)
	if err != nil {
		return err
	}
	d = d.LimitProtos(*fitProtos, *seed)

	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if *resume {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	logFile, err := os.OpenFile(*logPath, flags, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()

	cfg := evolve.Config{
		Method: *method, Init: *initFrom, Block: *block, Generations: *gens, Population: *pop, CMA: *cma, Restarts: *restarts,
		Sigma: *sigma, K: *k, Metric: *metric, Share: *share, Workers: *workers, Seed: *seed,
		CheckpointPath: *ckpt, CheckpointEvery: *every, Resume: *resume, Log: logFile,
	}
	if !*quiet {
		cfg.Progress = newEvolveBar(os.Stderr).update
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fitness := fmt.Sprintf("%d fitness queries", *queries)
	if d.LeaveOneOut() {
		fitness = "leave-one-out fitness"
	}
	fmt.Fprintf(os.Stderr, "evolve %s, init %s, topology %s, block %d, %d generations: %d prototypes, %s, %d validation images, %d workers\n",
		*method, *initFrom, t, *block, *gens, d.Protos.Len(), fitness, d.Val.Len(), *workers)
	res, err := evolve.Run(ctx, &stack, d, cfg)
	if !*quiet {
		fmt.Fprintln(os.Stderr)
	}
	if *plotPath != "-" && res != nil && res.Evals > 0 {
		if perr := plotLog(*logPath, *plotPath); perr != nil {
			fmt.Fprintf(os.Stderr, "slicecal evolve: plot: %v\n", perr)
		}
	}
	if res != nil {
		fmt.Printf("%d evaluations in %s (conv %s, distances and k-NN %s); blocks kept %d, turned down %d\n",
			res.Evals, res.Elapsed.Round(time.Second), res.ConvTime.Round(time.Millisecond), res.ScoreTime.Round(time.Millisecond), res.Accepted, res.Rejected)
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; checkpoint in %s, continue with --resume", *ckpt)
		}
		return err
	}
	for i, v := range res.ValAcc {
		fmt.Printf("conv%d: validation accuracy %.2f%%\n", i+1, 100*v)
	}

	m, err := knn.ParseMetric(*metric)
	if err != nil {
		return err
	}
	protos, err := dataset.ShiftCopies(trainSet, *shifts)
	if err != nil {
		return err
	}
	e, err := evolve.NewEngine(fmt.Sprintf("mnist-sliced-%s", *method), string(t), &stack, protos, *k, m)
	if err != nil {
		return err
	}
	if err := engine.Save(*out, e); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d prototypes)\n", *out, e.KNN.Len())
	if *testSize >= 0 {
		testSet := testAll
		if *testSize > 0 {
			testSet = testAll.Subset(*testSize, *seed)
		}
		acc, err := evolve.Accuracy(e, testSet)
		if err != nil {
			return err
		}
		fmt.Printf("test accuracy %.2f%% on %d images\n", 100*acc, testSet.Len())
	}
	return nil
}

// loadConvStack copies the conv stack of a trained engine (a full CNN, or
// a sliced engine of the same topology) into s.
func loadConvStack(s *nn.Stack, t models.Topology, path string) error {
	e, err := engine.Load(path)
	if err != nil {
		return err
	}
	layers := e.Stack.Layers
	if n := models.ConvLayers(t); len(layers) >= n {
		layers = layers[:n]
	}
	if e.Stack.In != s.In || len(layers) != len(s.Layers) {
		return fmt.Errorf("%s: its network does not start with topology %s's conv stack", path, t)
	}
	for i, l := range layers {
		want := s.Layers[i]
		if l.Op != want.Op || l.Out != want.Out || l.Size != want.Size || len(l.W) != len(want.W) || len(l.B) != len(want.B) {
			return fmt.Errorf("%s: layer %d is %v %d, topology %s has %v %d there", path, i, l.Op, l.Out, t, want.Op, want.Out)
		}
		copy(s.Layers[i].W, l.W)
		copy(s.Layers[i].B, l.B)
	}
	return nil
}

func plotLog(csvPath, pngPath string) error {
	in, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(pngPath)
	if err != nil {
		return err
	}
	if err := evolve.PlotLog(in, out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// evolveBar redraws one status line per generation.
type evolveBar struct {
	w     io.Writer
	last  time.Time
	drawn bool // a line is open: the next log line needs a newline first
}

func newEvolveBar(w io.Writer) *evolveBar { return &evolveBar{w: w} }

func (b *evolveBar) update(p evolve.Progress) {
	if time.Since(b.last) < 200*time.Millisecond && p.Gen < p.Gens {
		return
	}
	b.last = time.Now()
	b.drawn = true
	const width = 20
	done := width * (p.Filter*p.Gens + p.Gen*p.Block) / max(1, p.Filters*p.Gens)
	fmt.Fprintf(b.w, "\rconv%d [%s%s] filter %d/%d gen %d/%d best %.2f%% mean %.2f%% val %.2f%% %s ETA %s  ",
		p.Stage+1, strings.Repeat("#", done), strings.Repeat(".", width-done), p.Filter+p.Block, p.Filters,
		p.Gen, p.Gens, 100*p.BestAcc, 100*p.MeanAcc, 100*p.ValAcc,
		p.Elapsed.Round(time.Second), p.ETA.Round(time.Second))
}
