package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

func init() {
	register(&command{Name: "prototypes", Summary: "slice a trained CNN and build a sliced engine within a byte budget", Run: runPrototypes})
}

func runPrototypes(args []string) error {
	fs := newFlags("prototypes", "--from FILE --out FILE [flags]")
	from := fs.String("from", "", "engine file whose conv stack to keep: a trained full CNN (sliced at its first dense layer) or a sliced engine (required)")
	out := fs.String("out", "", "engine file to write (required)")
	budget := fs.String("budget", "256KiB", "largest engine file, weights and prototypes together (e.g. 74KiB, 1MiB, unlimited)")
	sweep := fs.String("sweep", "", "also report the best engine for each of these budgets, comma separated (e.g. 74KiB,128KiB,256KiB,1MiB,unlimited)")
	dims := fs.String("dims", "16,24,32,48,64", "PCA sizes to try (0: no projection)")
	perClass := fs.String("per-class", "10,20,40,80,160", "prototypes per class to try (k-means centroids; 0: every training image)")
	kList := fs.String("k", strconv.Itoa(knn.DefaultK), "neighbours that vote; a list tries each")
	metric := fs.String("metric", "l2", "distance: l2 or cosine")
	vote := fs.String("vote", "", "how the k neighbours decide: majority or kernel (default: kernel with --learn-epochs, else majority)")
	wt := fs.String("weights", "int8", "precision of the conv weights: float32, float16 or int8")
	pt := fs.String("protos", "int8", "precision of the prototypes")
	jt := fs.String("proj", "int8", "precision of the projection matrix")
	data := fs.String("data", "", "folder of MNIST-style idx files (default: GoMNIST in the Go module cache)")
	trainSize := fs.Int("train-size", 0, "training images to condense (0: all but the validation images)")
	valSize := fs.Int("val", 5000, "validation images, held out of the training set, that choose the option set")
	seed := fs.Uint64("seed", 1, "seed for the split and k-means")
	name := fs.String("name", "mnist-sliced", "engine name stored in the file")
	augment := fs.Int("augment", 0, "add this many rotated (±10°), shifted (±1.5 px) and scaled (±10 %) copies of every training image")
	learn := fs.Int("learn-epochs", 0, "train the projection and prototypes together for this many epochs after PCA and k-means (0: off)")
	learnRate := fs.Float64("learn-rate", 1e-3, "Adam step size for --learn-epochs")
	compact := fs.Float64("compact", 0, "with --learn-epochs: weight of the pull that keeps prototypes among their training features, so that distances mean something for enrolment and unknowns (0: off)")
	other := fs.Int("other", 0, "also train on this many drawn images of each shape in glyphs.Other, whose prototypes become the \"unknown\" class (0: off)")
	otherKeep := fs.Int("other-keep", 3, "with --other: keep every n-th prototype of the other shapes (0: keep none; only the projection learns from them)")
	calQ := fs.Float64("calibrate", 0, "open-set calibration: the share of each class's held-out images (validation digits, clean and as camera-like frames) inside its radius, e.g. 0.99 (0: off)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *out == "" {
		fmt.Fprintln(fs.Output(), "slicecal prototypes: --from and --out are required")
		return errUsage
	}
	bud, err := prototypes.ParseBytes(*budget)
	if err != nil {
		return err
	}
	var sweeps []int
	if *sweep != "" {
		for _, s := range strings.Split(*sweep, ",") {
			b, err := prototypes.ParseBytes(s)
			if err != nil {
				return err
			}
			sweeps = append(sweeps, b)
		}
	}
	dimList, err := ints(*dims)
	if err != nil {
		return fmt.Errorf("--dims: %w", err)
	}
	pcList, err := ints(*perClass)
	if err != nil {
		return fmt.Errorf("--per-class: %w", err)
	}
	ks, err := ints(*kList)
	if err != nil {
		return fmt.Errorf("--k: %w", err)
	}
	base := prototypes.Options{Seed: *seed, LearnEpochs: *learn, LearnRate: *learnRate, Compact: *compact,
		Progress: func(ep int, loss float64) { fmt.Fprintf(os.Stderr, "  learn epoch %d: loss %.4f\n", ep, loss) }}
	if base.Metric, err = knn.ParseMetric(*metric); err != nil {
		return err
	}
	switch {
	case *vote != "":
		if base.Vote, err = knn.ParseVote(*vote); err != nil {
			return err
		}
	case *learn > 0:
		base.Vote = knn.Kernel
	}
	var weightType engine.DType
	if weightType, err = engine.ParseDType(*wt); err != nil {
		return err
	}
	if base.ProtoType, err = engine.ParseDType(*pt); err != nil {
		return err
	}
	if base.ProjType, err = engine.ParseDType(*jt); err != nil {
		return err
	}

	src, err := engine.Load(*from)
	if err != nil {
		return err
	}
	stack := src.Stack
	if src.KNN == nil {
		if stack, err = prototypes.Slice(src.Stack); err != nil {
			return fmt.Errorf("%s: %w", *from, err)
		}
	}
	train, test, err := dataset.LoadMNIST(*data)
	if err != nil {
		return err
	}
	fit, val, err := train.Split(*valSize, *seed)
	if err != nil {
		return err
	}
	if *trainSize > 0 && *trainSize < fit.Len() {
		fit = fit.Subset(*trainSize, *seed)
	}
	if *augment > 0 {
		fit = dataset.Augment(fit, *augment, dataset.AugmentOptions{MaxDegrees: 10, MaxShift: 1.5, MaxScale: 0.1}, *seed)
	}
	images, labels, classes := fit.Images, fit.Labels, fit.Classes
	if *other > 0 {
		oi, ol, oc, err := prototypes.OtherImages(*other, len(classes), *seed)
		if err != nil {
			return err
		}
		images = append(slices.Clone(images), oi...)
		labels = append(slices.Clone(labels), ol...)
		classes = append(slices.Clone(classes), oc...)
		fmt.Fprintf(os.Stderr, "%d images of %d other shapes\n", len(ol), len(oc))
	}
	var b *prototypes.Builder
	var calImages []float32
	var calLabels []int
	// finish makes the engine a candidate stands for: built, its other
	// shapes merged, calibrated; its size is what the file will be.
	finish := func(o prototypes.Options) (*engine.Engine, int, error) {
		e, err := b.Build(o)
		if err != nil {
			return nil, 0, err
		}
		if *other > 0 {
			if err := prototypes.MergeOther(e, len(fit.Classes), *otherKeep); err != nil {
				return nil, 0, err
			}
		}
		if *calQ > 0 {
			if calLabels == nil {
				if calImages, calLabels, err = calibrationImages(val, *seed); err != nil {
					return nil, 0, err
				}
			}
			if err := prototypes.Calibrate(e, calImages, calLabels, *calQ); err != nil {
				return nil, 0, err
			}
		}
		n, err := engine.EncodedSize(e)
		return e, n, err
	}
	start := time.Now()
	b, err = prototypes.NewBuilder(stack, weightType, images, labels, classes)
	if err != nil {
		return err
	}
	b.Name, b.Topology = *name, src.Topology
	fmt.Fprintf(os.Stderr, "features of %d training images (%d values each) in %v\n", fit.Len(), b.FeatureDim(), time.Since(start).Round(time.Millisecond))

	grid := prototypes.Grid(base, dimList, pcList, ks)
	_, table, err := prototypes.FitBudget(b, 0, grid, val.Images, val.Labels)
	if err != nil {
		return err
	}
	fmt.Printf("| PCA dim | prototypes/class | k | engine bytes | validation accuracy |\n|---|---|---|---|---|\n")
	for _, c := range table {
		fmt.Printf("| %d | %d | %d | %d | %.2f %% |\n", c.Options.Dim, c.Options.PerClass, c.Options.K, c.Bytes, 100*c.Acc)
	}
	if *other > 0 || *calQ > 0 {
		for i := range table {
			if _, table[i].Bytes, err = finish(table[i].Options); err != nil {
				return err
			}
		}
	}
	pick := func(limit int) (prototypes.Candidate, bool) {
		var best prototypes.Candidate
		found := false
		for _, c := range table {
			if limit > 0 && c.Bytes > limit {
				continue
			}
			if !found || c.Acc > best.Acc || (c.Acc == best.Acc && c.Bytes < best.Bytes) {
				best, found = c, true
			}
		}
		return best, found
	}
	if len(sweeps) > 0 {
		fmt.Printf("\n| budget | PCA dim | prototypes/class | k | engine bytes | validation | test (%d images) |\n|---|---|---|---|---|---|---|\n", test.Len())
		for _, lim := range sweeps {
			c, ok := pick(lim)
			if !ok {
				fmt.Printf("| %s | - | - | - | - | nothing fits | - |\n", prototypes.FormatBytes(lim))
				continue
			}
			e, _, err := finish(c.Options)
			if err != nil {
				return err
			}
			acc, err := prototypes.Accuracy(e, test.Images, test.Labels)
			if err != nil {
				return err
			}
			fmt.Printf("| %s | %d | %d | %d | %d | %.2f %% | %.2f %% |\n", prototypes.FormatBytes(lim), c.Options.Dim, c.Options.PerClass, c.Options.K, c.Bytes, 100*c.Acc, 100*acc)
		}
	}
	c, ok := pick(bud)
	if !ok {
		return fmt.Errorf("no option set fits %s; try smaller --dims or --per-class", prototypes.FormatBytes(bud))
	}
	e, _, err := finish(c.Options)
	if err != nil {
		return err
	}
	acc, err := prototypes.Accuracy(e, test.Images, test.Labels)
	if err != nil {
		return err
	}
	if err := engine.Save(*out, e); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s: %d bytes (budget %s), %v, test accuracy %.2f %% on %d MNIST test images\n",
		*out, c.Bytes, prototypes.FormatBytes(bud), c.Options, 100*acc, test.Len())
	return nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%q is not a list of whole numbers", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// calibrationImages are the validation digits twice: as they are and as
// camera-like frames taken through decode and preprocess, the input the
// daemon sees.
func calibrationImages(val *dataset.Set, seed uint64) ([]float32, []int, error) {
	images := slices.Clone(val.Images)
	labels := slices.Clone(val.Labels)
	pre := preprocess.New()
	o := synth.DefaultOptions()
	for i := 0; i < val.Len(); i++ {
		t, empty, err := synth.Camera(pre, val.Image(i), synth.FrameSeed(seed+0xca1, i), o)
		if err != nil {
			return nil, nil, err
		}
		if empty {
			continue
		}
		images = append(images, t...)
		labels = append(labels, val.Labels[i])
	}
	return images, labels, nil
}
