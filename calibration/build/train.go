package build

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// trainCheckpoint is the training run after an epoch.
type trainCheckpoint struct {
	State   train.State
	Weights weights
}

// trainStage trains the full CNN by backprop, saving a checkpoint after
// every epoch, and returns it; a finished or part-finished training in
// the work folder is picked up.
func trainStage(ctx context.Context, cfg *Config, fit, val *dataset.Set) (nn.Stack, error) {
	stack := models.FullCNNFor(cfg.Topology, cfg.Input, cfg.Hidden, len(fit.Classes))
	done := filepath.Join(cfg.Work, trainedFile)
	var w weights
	if found, err := loadGob(done, &w); err != nil {
		return stack, err
	} else if found {
		cfg.logf("train: done before, taken from %s", done)
		return stack, w.into(&stack)
	}
	if err := train.Init(&stack, cfg.Seed, train.He); err != nil {
		return stack, err
	}
	opt, err := train.NewOptimizer("adam", cfg.LR)
	if err != nil {
		return stack, err
	}
	ckptPath := filepath.Join(cfg.Work, trainFile)
	var tr *train.Trainer
	tcfg := train.Config{
		Epochs: cfg.Epochs, BatchSize: cfg.Batch, Optimizer: opt, Seed: cfg.Seed, Threads: cfg.Threads,
		Validation: val, Progress: cfg.TrainProgress,
		AfterEpoch: func(ep int, r train.EpochResult) error {
			st, err := tr.State()
			if err != nil {
				return err
			}
			if err := saveGob(ckptPath, trainCheckpoint{State: st, Weights: weightsOf(&stack)}); err != nil {
				return err
			}
			if cfg.TrainProgress == nil { // the bar shows the epoch itself
				cfg.logf("train: epoch %d/%d loss %.4f train %.2f%% validation %.2f%% (%.1fs)", ep, cfg.Epochs, r.Loss, 100*r.Accuracy, 100*r.ValAccuracy, r.Duration.Seconds())
			}
			return ctx.Err()
		},
	}
	if tr, err = train.New(&stack, tcfg); err != nil {
		return stack, err
	}
	var ck trainCheckpoint
	if found, err := loadGob(ckptPath, &ck); err != nil {
		return stack, err
	} else if found {
		if err := ck.Weights.into(&stack); err != nil {
			return stack, err
		}
		if err := tr.Restore(ck.State); err != nil {
			return stack, err
		}
		cfg.logf("train: going on after epoch %d from %s", ck.State.Epoch, ckptPath)
	} else {
		cfg.logf("train: topology %s, dense %d, %d parameters, %d images, %d epochs, batch %d, %v, %d threads",
			cfg.Topology, cfg.Hidden, stack.Params(), fit.Len(), cfg.Epochs, cfg.Batch, opt, cfg.Threads)
	}
	if _, err := tr.Fit(fit); err != nil {
		return stack, fmt.Errorf("train: %w", err)
	}
	return stack, saveGob(done, weightsOf(&stack))
}
