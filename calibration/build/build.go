package build

import (
	"context"
	"path/filepath"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// Result is a finished build.
type Result struct {
	Engine  *engine.Engine
	Bytes   int               // engine file size
	Skipped []dataset.Skipped // files of the folder that are not usable images
	// Images in the training, validation and held-out test parts.
	Train, Val, Test int
	Choices          []Choice // the prototype option sets tried (nil when taken from the work folder)
	Heldout          *Heldout
	Resumed          bool // the work folder held a part of this build
}

// Run builds an engine as the package documentation describes. When ctx
// is cancelled it stops at the next epoch, generation or option set, with
// everything finished so far in the work folder, and returns ctx's error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = filepath.Base(filepath.Clean(cfg.Folder)) + "-" + cfg.Method
	}
	// Loaded in [0, 1]; the normalisation comes from the training part.
	scene := engine.Preprocess{Mode: cfg.Mode, Fit: cfg.Fit}.Scene(cfg.Input)
	all, skipped, err := dataset.LoadScenes(cfg.Folder, dataset.SceneOptions{Scene: scene, MaxPixels: cfg.MaxPixels})
	for _, s := range skipped {
		cfg.logf("load: skipped %s: %v", s.Path, s.Err)
	}
	if err != nil {
		return nil, err
	}
	cfg.logf("load: %d images of %d classes from %s as %dx%dx%d (%s, %s); %d files skipped",
		all.Len(), len(all.Classes), cfg.Folder, cfg.Input.H, cfg.Input.W, cfg.Input.C, cfg.Mode, cfg.Fit, len(skipped))
	fit, val, test, err := all.Stratify(cfg.ValShare, cfg.TestShare, cfg.Seed)
	if err != nil {
		return nil, err
	}
	resumed, err := openWork(cfg, all.Fingerprint())
	if err != nil {
		return nil, err
	}
	all = nil
	mean, scale := fit.ChannelStats()
	for _, s := range []*dataset.Set{fit, val, test} {
		s.Normalize(mean, scale)
	}
	cfg.logf("split: %d training, %d validation, %d held-out test images (seed %d)", fit.Len(), val.Len(), test.Len(), cfg.Seed)
	augmented := fit
	if cfg.Augment > 0 {
		side := float64(min(cfg.Input.H, cfg.Input.W))
		augmented = dataset.Augment(fit, cfg.Augment, dataset.AugmentOptions{MaxDegrees: 10, MaxShift: 0.06 * side, MaxScale: 0.1}, cfg.Seed)
		cfg.logf("augment: %d copies of every training image, %d in all", cfg.Augment, augmented.Len())
	}
	prep := engine.Preprocess{Mode: cfg.Mode, Fit: cfg.Fit, Mean: mean, Scale: scale}

	var conv nn.Stack
	if cfg.Epochs > 0 {
		full, err := trainStage(ctx, &cfg, augmented, val)
		if err != nil {
			return nil, err
		}
		if conv, err = prototypes.Slice(full); err != nil {
			return nil, err
		}
	} else {
		conv = models.ConvStackFor(cfg.Topology, cfg.Input)
	}
	if cfg.Method != "backprop" {
		if err := evolveStage(ctx, &cfg, &conv, fit, val); err != nil {
			return nil, err
		}
	}
	e, choices, err := protoStage(ctx, &cfg, conv, prep, augmented, fit, val)
	if err != nil {
		return nil, err
	}
	h, err := Score(e, test)
	if err != nil {
		return nil, err
	}
	size, err := engine.EncodedSize(e)
	if err != nil {
		return nil, err
	}
	return &Result{Engine: e, Bytes: size, Skipped: skipped, Train: fit.Len(), Val: val.Len(), Test: test.Len(),
		Choices: choices, Heldout: h, Resumed: resumed}, nil
}
