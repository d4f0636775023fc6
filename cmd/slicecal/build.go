package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sliced-ai/sliced/calibration/build"
	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(&command{Name: "build", Summary: "make a deployable engine from a class-per-folder tree of images: split, train, slice, prototypes, calibration, held-out report", Run: runBuild})
}

func runBuild(args []string) error {
	d := build.Defaults()
	fs := newFlags("build", "--folder DIR --out FILE [flags]")
	folder := fs.String("folder", "", "class-per-folder tree: one subfolder of images (PNG, JPEG, PGM) per class (required)")
	out := fs.String("out", "", "engine file to write; the held-out report goes beside it as OUT.md and OUT-confusion.png (required)")
	input := fs.String("input", "32x32x3", "engine input HxWxC: height, width, channels (3: RGB, 1: gray), e.g. 32x32x3 or 28x28x1")
	mode := fs.String("mode", d.Mode.String(), "how the daemon makes the input from a frame: roi (the source's region of interest) or whole (the full frame)")
	fit := fs.String("fit", d.Fit.String(), "how an image or region of another aspect is resized: letterbox, crop or stretch")
	method := fs.String("method", d.Method, "conv kernels: backprop, or backprop then the paper's evolutionary search, cmaes or pso (with --epochs 0: from random kernels)")
	topo := fs.String("topology", string(d.Topology), "network: B (LeNet-like) or A (Keras mnist_cnn)")
	hidden := fs.Int("hidden", d.Hidden, "dense units of the trained network's head (the engine keeps only its conv stack)")
	epochs := fs.Int("epochs", d.Epochs, "backprop epochs")
	batch := fs.Int("batch", d.Batch, "mini-batch size")
	lr := fs.Float64("lr", d.LR, "Adam learning rate (0: 1e-3)")
	gens := fs.Int("generations", d.Generations, "generations per filter for cmaes and pso")
	augment := fs.Int("augment", d.Augment, "copies of every training image, each turned (up to 10°), shifted (up to 6 % of the side) and scaled (up to 10 %), for training and prototypes")
	valShare := fs.Float64("val", d.ValShare, "share of every class held out for validation (picks the option set, calibrates unknowns)")
	testShare := fs.Float64("test", d.TestShare, "share of every class held out for the test report")
	budget := fs.String("budget", "256KiB", "largest engine file (e.g. 74KiB, 1MiB, unlimited)")
	dims := fs.String("dims", joinInts(d.Dims), "projection sizes to try")
	perClass := fs.String("per-class", joinInts(d.PerClass), "prototypes per class to try")
	k := fs.Int("k", d.K, "neighbours that vote")
	learn := fs.Int("learn-epochs", d.LearnEpochs, "epochs that train the projection and prototypes together (0: PCA and k-means only)")
	calQ := fs.Float64("calibrate", d.Quantile, "open-set calibration: share of each class's validation images inside its radius")
	wt := fs.String("weights", d.WeightType.String(), "precision of the conv weights: float32, float16 or int8")
	pt := fs.String("protos", d.ProtoType.String(), "precision of the prototypes and the projection")
	seed := fs.Uint64("seed", d.Seed, "seed for the split, the initial weights, the data order and k-means")
	threads := fs.Int("threads", d.Threads, "training goroutines; the same seed and threads give the same engine")
	name := fs.String("name", "", "engine name stored in the file (default <folder name>-<method>)")
	work := fs.String("work", "", "work folder with every finished stage and training epoch, so that an interrupted build goes on where it stopped (default OUT.work; removed when the build succeeds)")
	quiet := fs.Bool("quiet", false, "no progress bars")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *folder == "" || *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal build: --folder and --out are required")
		return errUsage
	}
	cfg := d
	var err error
	if cfg.Input, err = dataset.ParseInput(*input); err != nil {
		return fmt.Errorf("--input: %w", err)
	}
	if cfg.Mode, err = engine.ParsePrepMode(*mode); err != nil {
		return fmt.Errorf("--mode: %w", err)
	}
	if cfg.Mode == engine.PrepDigit {
		return errors.New("--mode digit is the MNIST rule; build engines take roi or whole")
	}
	if cfg.Fit, err = engine.ParseFit(*fit); err != nil {
		return fmt.Errorf("--fit: %w", err)
	}
	if cfg.Topology, err = models.ParseTopology(*topo); err != nil {
		return fmt.Errorf("--topology: %w", err)
	}
	if cfg.Budget, err = prototypes.ParseBytes(*budget); err != nil {
		return fmt.Errorf("--budget: %w", err)
	}
	if cfg.Dims, err = ints(*dims); err != nil {
		return fmt.Errorf("--dims: %w", err)
	}
	if cfg.PerClass, err = ints(*perClass); err != nil {
		return fmt.Errorf("--per-class: %w", err)
	}
	if cfg.WeightType, err = engine.ParseDType(*wt); err != nil {
		return fmt.Errorf("--weights: %w", err)
	}
	if cfg.ProtoType, err = engine.ParseDType(*pt); err != nil {
		return fmt.Errorf("--protos: %w", err)
	}
	cfg.Folder, cfg.Method, cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.LR = *folder, *method, *hidden, *epochs, *batch, *lr
	cfg.Generations, cfg.ValShare, cfg.TestShare, cfg.K, cfg.LearnEpochs, cfg.Quantile = *gens, *valShare, *testShare, *k, *learn, *calQ
	cfg.Seed, cfg.Threads, cfg.Name, cfg.Work, cfg.Augment = *seed, *threads, *name, *work, *augment
	if cfg.Work == "" {
		cfg.Work = *out + ".work"
	}
	cfg.Log = os.Stderr
	if !*quiet {
		cfg.TrainProgress = train.NewBar(os.Stderr).Update
		bar := newEvolveBar(os.Stderr)
		cfg.EvolveProgress = bar.update
		cfg.Log = lineLog{os.Stderr, bar}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, err := build.Run(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; the finished stages are in %s: run the same command again to go on", cfg.Work)
		}
		return err
	}
	if err := engine.Save(*out, res.Engine); err != nil {
		return err
	}
	base := strings.TrimSuffix(*out, filepath.Ext(*out))
	mdPath, pngPath := base+".md", base+"-confusion.png"
	if err := writeReport(mdPath, *folder, res); err != nil {
		return err
	}
	near, open := res.Heldout.Accuracy()
	title := fmt.Sprintf("%s: %d held-out images, %.2f %% right (%.2f %% with unknown wrong)", res.Engine.Name, res.Test, 100*near, 100*open)
	if err := res.Heldout.WritePlot(pngPath, title); err != nil {
		return err
	}
	if err := os.RemoveAll(cfg.Work); err != nil {
		return err
	}
	if err := res.Heldout.WriteMarkdown(os.Stdout); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s (%d bytes, budget %s, %s mode, %s, %dx%dx%d), %s and %s in %s\n", *out, res.Bytes, prototypes.FormatBytes(cfg.Budget),
		cfg.Mode, cfg.Fit, cfg.Input.H, cfg.Input.W, cfg.Input.C, mdPath, pngPath, time.Since(start).Round(time.Second))
	fmt.Printf("held-out accuracy %.2f %% on %d images (%.2f %% with unknown counted wrong); %d training, %d validation images; %d files skipped\n",
		100*near, res.Test, 100*open, res.Train, res.Val, len(res.Skipped))
	return nil
}

// lineLog puts the build's stage lines on lines of their own after the
// search's redrawn progress line.
type lineLog struct {
	w   io.Writer
	bar *evolveBar
}

func (l lineLog) Write(p []byte) (int, error) {
	if l.bar.drawn {
		l.bar.drawn = false
		fmt.Fprintln(l.w)
	}
	return l.w.Write(p)
}

// writeReport is the held-out table with what it was measured on.
func writeReport(path, folder string, res *build.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	near, open := res.Heldout.Accuracy()
	fmt.Fprintf(f, "# %s: held-out accuracy\n\n", res.Engine.Name)
	fmt.Fprintf(f, "%s: %d classes; %d training, %d validation and %d held-out test images (%d files skipped). Engine: %d bytes.\n\n",
		folder, len(res.Heldout.Classes), res.Train, res.Val, res.Test, len(res.Skipped), res.Bytes)
	fmt.Fprintf(f, "Accuracy %.2f %%, %.2f %% with unknown answers counted wrong.\n\n", 100*near, 100*open)
	err = res.Heldout.WriteMarkdown(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
