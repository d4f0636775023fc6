package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/calibration/scenes"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(&command{Name: "scene", Summary: "train the scene engine on patches of photographs; it ships with no classes, for enrolling states of a region", Run: runScene})
}

// sceneInput is the scene engine's input: 32x32 RGB.
var sceneInput = nn.Shape{C: 3, H: 32, W: 32}

// scenePrep is how the scene engine makes its input: the region of
// interest, letterboxed, each channel centred.
var scenePrep = engine.Preprocess{Mode: engine.PrepROI, Fit: engine.FitLetterbox, Pad: 0.5, Mean: []float32{0.5}, Scale: []float32{2}}

func runScene(args []string) error {
	fs := newFlags("scene", "--out FILE [flags]")
	photos := fs.String("photos", "", "folder of the photographs (default: $"+scenes.Env+")")
	out := fs.String("out", "", "engine file to write (required)")
	patches := fs.Int("patches", 300, "patches of the training photographs, each a class to tell apart")
	perPatch := fs.Int("per-patch", 40, "training views of every patch (lighting, shift, noise, JPEG)")
	calViews := fs.Int("cal-views", 10, "held-out views of every patch for the open-set calibration")
	epochs := fs.Int("epochs", 8, "training passes")
	hidden := fs.Int("hidden", 64, "dense units of the network trained (dropped by slicing)")
	dims := fs.Int("dims", 24, "projected feature dimensions")
	seed := fs.Uint64("seed", 1, "seed of patches, views, weights and order")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "worker goroutines")
	priorQ := fs.Float64("prior-quantile", 0.65, "quantile of the patches' radii that enrolled classes start from")
	evalFrames := fs.Int("eval", 200, "test frames of the held-out scene after enrolment (0: no evaluation)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal scene: --out is required")
		return errUsage
	}
	dir := *photos
	if dir == "" {
		d, err := scenes.Dir()
		if err != nil {
			return err
		}
		dir = d
	}
	start := time.Now()
	imgs, err := scenes.Load(dir, scenes.TrainPhotos)
	if err != nil {
		return err
	}
	sc := scenePrep.Scene(sceneInput)
	ps := scenes.Patches(imgs, *patches, *seed)
	trainSet, err := scenes.Instances(imgs, ps, *perPatch, sc, *seed)
	if err != nil {
		return err
	}
	calSet, err := scenes.Instances(imgs, ps, *calViews, sc, *seed+1)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d patches of %d photographs: %d training and %d calibration views (%s)\n",
		len(ps), len(imgs), trainSet.Len(), calSet.Len(), time.Since(start).Round(time.Second))

	stack := models.FullCNNFor(models.B, sceneInput, *hidden, len(ps))
	if err := train.Init(&stack, *seed, train.He); err != nil {
		return err
	}
	cfg := train.Config{Epochs: *epochs, Seed: *seed, Threads: *threads, LRDecay: 0.8, Optimizer: train.NewAdam(1e-3)}
	if !*quiet {
		cfg.Progress = train.NewBar(os.Stderr).Update
	}
	tr, err := train.New(&stack, cfg)
	if err != nil {
		return err
	}
	res, err := tr.Fit(trainSet)
	if err != nil {
		return err
	}
	last := res[len(res)-1]
	fmt.Fprintf(os.Stderr, "trained: loss %.3f, train accuracy %.1f %% (%s)\n", last.Loss, 100*last.Accuracy, time.Since(start).Round(time.Second))

	conv, err := prototypes.Slice(stack)
	if err != nil {
		return err
	}
	b, err := prototypes.NewBuilder(conv, engine.I8, trainSet.Images, trainSet.Labels, trainSet.Classes)
	if err != nil {
		return err
	}
	b.Name, b.Topology = "scene-sliced", string(models.B)
	// The projection is the patches' principal components: nothing is
	// fitted to the classes the engine will carry, which are enrolled
	// later. (The prototype learning of the digit engine, tried here for
	// 10 epochs, told 0.3 % of held-out patch views apart, PCA 85.9 %.)
	// One prototype per patch is enough for scoring them; they are
	// dropped before saving.
	e, err := b.Build(prototypes.Options{Dim: *dims, PerClass: 1, K: knn.DefaultK, Metric: knn.L2, Vote: knn.Kernel,
		ProtoType: engine.I8, ProjType: engine.I8, Seed: *seed})
	if err != nil {
		return err
	}
	e.Prep = scenePrep
	if err := prototypes.Calibrate(e, calSet.Images, calSet.Labels, prototypes.DefaultQuantile); err != nil {
		return err
	}
	acc, err := prototypes.Accuracy(e, calSet.Images, calSet.Labels)
	if err != nil {
		return err
	}
	// A region's states may spread more than the typical patch (an edge
	// that a 5 % shift moves in and out of view), and a few examples do
	// not show it: enrolled classes start from a high quantile of the
	// patches' own radii.
	radii := slices.Clone(e.KNN.Open.Radius)
	prior := knn.Quantile(radii, *priorQ)
	fmt.Fprintf(os.Stderr, "patches told apart on held-out views: %.1f %%; patch radii: q0.5 %.2f, q0.6 %.2f, q0.7 %.2f, q0.8 %.2f, q0.9 %.2f, max %.2f; prior radius %.2f (%s)\n",
		100*acc, knn.Quantile(radii, 0.5), knn.Quantile(radii, 0.6), knn.Quantile(radii, 0.7), knn.Quantile(radii, 0.8), knn.Quantile(radii, 0.9), knn.Quantile(radii, 1), prior, time.Since(start).Round(time.Second))
	// The engine ships without the patches: its classes are what users enrol.
	e.KNN.Open.Prior = prior
	for len(e.KNN.Classes) > 0 {
		e.KNN.Remove(e.KNN.Classes[len(e.KNN.Classes)-1])
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if err := engine.Save(*out, e); err != nil {
		return err
	}
	fi, _ := os.Stat(*out)
	fmt.Printf("wrote %s (%d bytes)\n", *out, fi.Size())
	if *evalFrames > 0 {
		return sceneReport(e, dir, *evalFrames, *seed)
	}
	return nil
}

// sceneReport enrols 1, 2, 5, 10 and 20 frames of every state of the held-out
// scene and prints how many of n other frames are answered right; and, with
// the last state left out of the enrolment, how many of its frames are
// answered unknown.
func sceneReport(e *engine.Engine, dir string, n int, seed uint64) error {
	held, err := scenes.Load(dir, scenes.HeldPhotos)
	if err != nil {
		return err
	}
	s, err := scenes.HeldScene(held)
	if err != nil {
		return err
	}
	test, err := scenes.Frames(e, s, n, rand.New(rand.NewPCG(seed, 2)))
	if err != nil {
		return err
	}
	fmt.Printf("| frames enrolled per state | right | unknown | %s not enrolled: unknown |\n|---|---|---|---|\n", s.Names[len(s.Names)-1])
	for _, k := range []int{1, 2, 5, 10, 20} {
		r, err := scenes.Measure(e, s, test, k, rand.New(rand.NewPCG(seed, 1)))
		if err != nil {
			return err
		}
		fmt.Printf("| %d | %.1f %% | %.1f %% | %.1f %% |\n", k, 100*r.Right, 100*r.Unknown, 100*r.Unseen)
	}
	return nil
}
