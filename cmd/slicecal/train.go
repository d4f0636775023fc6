package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(&command{Name: "train", Summary: "train a full CNN (topology A or B) by backprop and save it as an engine file", Run: runTrain})
}

func runTrain(args []string) error {
	fs := newFlags("train", "--out FILE [flags]")
	topo := fs.String("topology", "A", "network: A (Keras mnist_cnn) or B (LeNet-like)")
	hidden := fs.Int("hidden", 0, "dense units of the head (0: 128 for A, 64 for B)")
	epochs := fs.Int("epochs", 5, "passes over the training images")
	batch := fs.Int("batch", 128, "mini-batch size")
	trainSize := fs.Int("train-size", 0, "training images drawn by --seed (0: all)")
	valSize := fs.Int("val-size", 0, "images held out of the training set and scored after each epoch")
	testSize := fs.Int("test-size", 0, "test images scored at the end (0: all, -1: none)")
	opt := fs.String("optimizer", "adam", "adam or sgd (momentum 0.9)")
	lr := fs.Float64("lr", 0, "learning rate (0: 1e-3 for adam, 0.01 for sgd)")
	decay := fs.Float64("lr-decay", 1, "learning rate factor per epoch (1: constant)")
	initName := fs.String("init", "glorot", "initial weights: glorot (Keras' default) or he")
	dropout := fs.String("dropout", "keras", "keras (A: 0.25 after the pool, 0.5 after the dense ReLU; B, as in the paper: none) or none")
	seed := fs.Uint64("seed", 1, "seed for initial weights, data order, subsets and dropout")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "worker goroutines; same seed and threads give the same weights")
	data := fs.String("data", "", "folder of MNIST-style idx files (default: GoMNIST in the Go module cache)")
	folder := fs.String("folder", "", "train on a class-per-folder tree of PNG/JPEG images instead of MNIST (no test scoring)")
	out := fs.String("out", "", "engine file to write (required)")
	name := fs.String("name", "", "engine name stored in the file (default <mnist or folder name>-<topology><hidden>)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal train: --out is required")
		return errUsage
	}
	t, err := models.ParseTopology(*topo)
	if err != nil {
		return err
	}
	if *hidden == 0 {
		*hidden = 128
		if t == models.B {
			*hidden = 64
		}
	}
	if *hidden < 1 || *hidden > 4096 {
		return fmt.Errorf("--hidden %d out of range 1..4096", *hidden)
	}
	optim, err := train.NewOptimizer(*opt, *lr)
	if err != nil {
		return err
	}
	trainSet, testSet, err := loadTrainData(*data, *folder)
	if err != nil {
		return err
	}
	var val *dataset.Set
	if *valSize > 0 {
		if trainSet, val, err = trainSet.Split(*valSize, *seed); err != nil {
			return err
		}
	}
	if *trainSize > 0 {
		trainSet = trainSet.Subset(*trainSize, *seed)
	}
	stack := models.FullCNN(t, *hidden, len(trainSet.Classes))
	scheme, err := train.ParseScheme(*initName)
	if err != nil {
		return err
	}
	if err := train.Init(&stack, *seed, scheme); err != nil {
		return err
	}
	var drop []float32
	switch *dropout {
	case "keras":
		if t == models.A {
			drop = train.KerasDropout(&stack)
		}
	case "none":
	default:
		return fmt.Errorf("--dropout %q: want keras or none", *dropout)
	}
	cfg := train.Config{
		Epochs: *epochs, BatchSize: *batch, Optimizer: optim, Seed: *seed,
		Threads: *threads, Dropout: drop, Validation: val, LRDecay: *decay,
	}
	if !*quiet {
		cfg.Progress = train.NewBar(os.Stderr).Update
	}
	tr, err := train.New(&stack, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "training topology %s, dense %d: %d parameters, %d images, %d epochs, batch %d, %v, decay %g per epoch, %s init, %d threads, seed %d\n",
		t, *hidden, stack.Params(), trainSet.Len(), *epochs, *batch, optim, *decay, scheme, *threads, *seed)
	start := time.Now()
	res, err := tr.Fit(trainSet)
	if err != nil {
		return err
	}
	for i, r := range res {
		fmt.Printf("epoch %d: loss %.4f train %.2f%%", i+1, r.Loss, 100*r.Accuracy)
		if r.ValAccuracy >= 0 {
			fmt.Printf(" val %.2f%%", 100*r.ValAccuracy)
		}
		fmt.Printf(" %.1fs\n", r.Duration.Seconds())
	}
	fmt.Printf("trained in %s (%.1fs per epoch)\n", time.Since(start).Round(time.Second), time.Since(start).Seconds()/float64(max(1, len(res))))
	if *name == "" {
		src := "mnist"
		if *folder != "" {
			src = filepath.Base(filepath.Clean(*folder))
		}
		*name = fmt.Sprintf("%s-%s%d", src, t, *hidden)
	}
	e := &engine.Engine{Name: *name, Topology: string(t), Stack: stack, Classes: trainSet.Classes, WeightType: engine.F32, ProtoType: engine.F32}
	if err := engine.Save(*out, e); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", *out)
	if *testSize >= 0 && testSet != nil {
		if *testSize > 0 {
			testSet = testSet.Subset(*testSize, *seed)
		}
		acc, err := train.Accuracy(&stack, testSet, *threads)
		if err != nil {
			return err
		}
		fmt.Printf("test accuracy %.2f%% on %d images\n", 100*acc, testSet.Len())
	}
	return nil
}

// loadTrainData reads MNIST (or an idx set of the same file names) from
// data, or a class-per-folder image tree, which has no test part.
func loadTrainData(data, folder string) (train, test *dataset.Set, err error) {
	if folder == "" {
		return dataset.LoadMNIST(data)
	}
	train, err = dataset.LoadFolder(folder, dataset.FolderOptions{})
	return train, nil, err
}
